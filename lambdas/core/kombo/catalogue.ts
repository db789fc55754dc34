/**
 * The resource catalogue: every paginated, `updated_after`-capable Kombo read endpoint we can sync,
 * and which `changed_models` names (from `data-changed` webhooks) can affect it.
 *
 * Sources: Kombo's "Fetching data" model→endpoint table for ATS; the "updated_after also matches
 * when…" tables of Kombo's OpenAPI spec (May 2026) for HRIS and LMS. A resource is named by its
 * endpoint path without the version prefix, e.g. `ats/applications` for `GET /v1/ats/applications`.
 */

export const CATEGORIES = ['ATS', 'HRIS', 'LMS'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface ResourceDefinition {
  /** Endpoint path without the version, e.g. `hris/employees`. Also the resource's name everywhere. */
  readonly resource: string;
  readonly category: Category;
  /** `changed_models[].name` values after which this endpoint may return new data. */
  readonly models: readonly string[];
}

const define = (category: Category, resource: string, models: string[]): ResourceDefinition => ({
  resource,
  category,
  models,
});

export const RESOURCE_CATALOGUE: readonly ResourceDefinition[] = [
  define('ATS', 'ats/applications', [
    'ats_applications',
    'ats_application_stages',
    'ats_candidates',
    'ats_interviews',
    'ats_jobs',
    'ats_join_candidates_tags',
    'ats_offers',
    'ats_tags',
  ]),
  define('ATS', 'ats/candidates', [
    'ats_candidates',
    'ats_application_stages',
    'ats_applications',
    'ats_jobs',
    'ats_join_candidates_tags',
    'ats_join_jobs_application_stages',
    'ats_tags',
  ]),
  define('ATS', 'ats/interviews', [
    'ats_interviews',
    'ats_applications',
    'ats_candidates',
    'ats_jobs',
    'ats_join_interviews_users',
    'ats_users',
  ]),
  define('ATS', 'ats/jobs', [
    'ats_jobs',
    'ats_application_stages',
    'ats_job_postings',
    'ats_join_jobs_application_stages',
    'ats_join_jobs_screening_questions',
    'ats_join_jobs_users',
    'ats_screening_questions',
    'ats_users',
  ]),
  define('ATS', 'ats/offers', ['ats_offers', 'ats_applications', 'ats_candidates', 'ats_jobs']),
  define('ATS', 'ats/rejection-reasons', ['ats_rejection_reasons']),
  define('ATS', 'ats/users', ['ats_users', 'ats_join_users_roles', 'ats_join_user_job_role_assignments', 'ats_roles']),
  define('ATS', 'ats/tags', ['ats_tags']),
  define('ATS', 'ats/application-stages', ['ats_application_stages']),
  define('ATS', 'ats/roles', ['ats_roles']),

  define('HRIS', 'hris/employees', [
    'hris_employees',
    'hris_employments',
    'hris_time_off_balances',
    'hris_join_employees_teams',
    'hris_legal_entities',
    'hris_locations',
  ]),
  define('HRIS', 'hris/employments', ['hris_employments']),
  define('HRIS', 'hris/groups', ['hris_teams']),
  define('HRIS', 'hris/locations', ['hris_locations']),
  define('HRIS', 'hris/legal-entities', ['hris_legal_entities']),
  define('HRIS', 'hris/absence-types', ['hris_absence_types']),
  define('HRIS', 'hris/absences', ['hris_absences', 'hris_absence_types']),
  define('HRIS', 'hris/time-off-balances', ['hris_time_off_balances', 'hris_absence_types']),
  define('HRIS', 'hris/timesheets', ['hris_timesheets']),
  define('HRIS', 'hris/employee-document-categories', ['hris_employee_document_categories']),
  define('HRIS', 'hris/performance-review-cycles', ['hris_performance_review_cycles']),
  define('HRIS', 'hris/performance-reviews', [
    'hris_performance_reviews',
    'hris_performance_review_cycles',
    'hris_employees',
  ]),
  define('HRIS', 'hris/staffing-entities', [
    'hris_staffing_entities',
    'hris_join_staffing_entities_locations',
    'hris_join_staffing_entities_legal_entities',
    'hris_join_staffing_entities_groups',
    'hris_locations',
    'hris_legal_entities',
    'hris_teams',
  ]),

  define('LMS', 'lms/users', ['lms_users']),
  define('LMS', 'lms/courses', [
    'lms_courses',
    'lms_course_revisions',
    'lms_join_revisions_skills',
    'lms_course_providers',
  ]),
  define('LMS', 'lms/course-progressions', ['lms_course_progressions']),
  define('LMS', 'lms/skills', ['lms_skills']),
];

const byResource = new Map(RESOURCE_CATALOGUE.map((definition) => [definition.resource, definition]));
const knownModels = new Set(RESOURCE_CATALOGUE.flatMap((definition) => definition.models));

/**
 * Model names Kombo documents that no endpoint we sync depends on: a change to one of them is known
 * and needs no fetch, unlike a name we have never heard of (which triggers a fetch of everything).
 */
const MODELS_WITHOUT_SYNCED_ENDPOINT = new Set([
  'hris_skill_proficiency_scales',
  'hris_skills',
  'hris_skill_rating_providers',
  'hris_employee_skill_proficiency_ratings',
  'hris_join_staffing_entities_skills',
]);

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

export function resourceDefinition(resource: string): ResourceDefinition | undefined {
  return byResource.get(resource);
}

export function resourcesOfCategory(category: Category): string[] {
  return RESOURCE_CATALOGUE.filter((d) => d.category === category).map((d) => d.resource);
}

export interface ModelMapping {
  /** Resources to fetch, in catalogue order, without duplicates. */
  readonly resources: string[];
  /** Model names we do not know; each caused a fetch of every configured resource of the category. */
  readonly unknownModels: string[];
}

/**
 * Maps the `changed_models` of a `data-changed` event to the configured resources they affect.
 * An unknown model name is never an error: Kombo adds models over time, so it maps to every
 * configured resource of the integration's category (a cheap delta fetch each).
 */
export function resourcesForChangedModels(
  category: Category,
  changedModels: readonly string[],
  configuredResources: ReadonlySet<string>,
): ModelMapping {
  const candidates = RESOURCE_CATALOGUE.filter((d) => d.category === category && configuredResources.has(d.resource));
  const unknownModels = changedModels.filter(
    (name) => !knownModels.has(name) && !MODELS_WITHOUT_SYNCED_ENDPOINT.has(name),
  );
  const affected =
    unknownModels.length > 0
      ? candidates
      : candidates.filter((d) => d.models.some((model) => changedModels.includes(model)));
  return { resources: affected.map((d) => d.resource), unknownModels };
}

/** The resources of a category (of Kombo's `integration_category`) that this deployment syncs. */
export function configuredResourcesOf(category: string, syncResources: ReadonlySet<string>): string[] {
  return isCategory(category) ? resourcesOfCategory(category).filter((resource) => syncResources.has(resource)) : [];
}
