/**
 * Where `npm run local:aws` serves and what it writes: fixed, so that the README's `sam local` commands and the
 * env file stay the same from one run to the next.
 */
export interface LocalAwsPorts {
  readonly sqs: number;
  readonly dynamodb: number;
  readonly kombo: number;
}

/** fauxqs on ElasticMQ's usual port, DynamoDB on DynamoDB Local's, the fake Kombo next to neither. */
export const LOCAL_AWS_PORTS: LocalAwsPorts = { sqs: 9324, dynamodb: 8000, kombo: 3100 };

/**
 * The name SAM's containers reach the host by: built into Docker Desktop, and on Linux given by
 * `sam local … --add-host host.docker.internal:host-gateway`.
 */
export const CONTAINER_HOSTNAME = 'host.docker.internal';

/** The `--env-vars` file for `sam local` (gitignored, like everything under .local/). */
export const ENV_FILE = '.local/env.json';

/** Where `npm run synth:local-invoke` writes the local-invoke template, away from the deployable cdk.out/. */
export const LOCAL_INVOKE_OUTDIR = '.local/cdk.out';

/**
 * The integrations the sample events name, which `npm run local:aws` gives the fake Kombo with records: the HRIS one
 * of the webhook and worker events, and an ATS one that only the full-sync function's register event registers.
 */
export const SAMPLE_INTEGRATIONS = [
  {
    id: 'personio:sample123',
    category: 'HRIS',
    seeds: { 'hris/employees': 250, 'hris/absences': 120, 'hris/performance-reviews': 40 },
  },
  { id: 'greenhouse:sample456', category: 'ATS', seeds: { 'ats/jobs': 25, 'ats/candidates': 60 } },
] as const;
