/**
 * Kombo's read models, as `GET /v1/integrations/{id}` lists them: one per resource the fake
 * serves for a category. Ids follow Kombo's model names (`hris_employees`,
 * `hris_time_off_balances`, as in `data-changed` webhooks): the resource path with `/` and `-`
 * turned into `_`, since Kombo's model names never contain `-`.
 */
import { generatorFor, servedResources } from './generators';
import type { Category } from './types';

export interface ReadModel {
  /** E.g. `ats_application_stages`. */
  readonly id: string;
  /** The list endpoint it stands for, e.g. `ats/application-stages`. */
  readonly resource: string;
  /** E.g. `Application stages`. */
  readonly label: string;
}

export function readModelId(resource: string): string {
  return resource.replace(/[/-]/g, '_');
}

/** In the order the fake lists its resources. */
export function readModelsOf(category: Category): ReadModel[] {
  return servedResources()
    .filter((resource) => generatorFor(resource)?.category === category)
    .map((resource) => ({ id: readModelId(resource), resource, label: labelOf(resource) }));
}

function labelOf(resource: string): string {
  const words = resource.slice(resource.indexOf('/') + 1).replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
