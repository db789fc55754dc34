import type { startPipeline } from '../../local/pipeline';

/** The pipeline every seed runs on: fast timeouts and a short missing-purge period, so a seed takes seconds. */
export const CONVERGENCE_PIPELINE_OPTIONS: Parameters<typeof startPipeline>[0] = {
  kombo: { seed: 7 },
  syncResources: 'hris/employees,hris/absences',
  workerEnv: {
    COALESCE_WINDOW_SECONDS: '0',
    KOMBO_REQUEST_TIMEOUT_SECONDS: '1',
    MISSING_PURGE_DAYS: String(1 / 86_400),
    INTEGRATION_RECHECK_MINUTES: String(1 / 60),
  },
};

/** The one command that replays a seed. */
export const replayCommand = (seed: number) => `npm run test:soak -- --seed ${seed}`;
