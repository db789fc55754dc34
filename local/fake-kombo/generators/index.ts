import type { Category } from '../types';
import { ATS_GENERATORS } from './ats';
import { HRIS_GENERATORS } from './hris';
import { LMS_GENERATORS } from './lms';
import type { ResourceGenerator } from './shared';

export type { RecordContext, RecordFields, ResourceGenerator } from './shared';

/**
 * Every resource the fake serves at `GET /v1/<resource>`. The fake keeps its own list (it plays
 * Kombo, not our client); a test checks it covers the project's resource catalogue.
 */
const GENERATORS = new Map<string, ResourceGenerator>(
  [...ATS_GENERATORS, ...HRIS_GENERATORS, ...LMS_GENERATORS].map((generator) => [generator.resource, generator]),
);

export function generatorFor(resource: string): ResourceGenerator | undefined {
  return GENERATORS.get(resource);
}

export function resourceCategory(resource: string): Category | undefined {
  return GENERATORS.get(resource)?.category;
}

export function servedResources(): string[] {
  return [...GENERATORS.keys()];
}
