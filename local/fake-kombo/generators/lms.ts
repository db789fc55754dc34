/**
 * LMS records, shaped after the `GET /lms/*` response schemas of Kombo's OpenAPI spec (the
 * official SDK has no LMS methods, so the spec is the only contract).
 */
import { randomKomboId } from '../ids';
import { chance, integerBetween, pick, type Random } from '../random';
import {
  customFields,
  daysAfter,
  emailOf,
  HISTORY_END,
  integrationFields,
  none,
  pastInstant,
  person,
  pool,
  type RecordContext,
  type RecordFields,
  type ResourceGenerator,
  randomRemoteId,
  reference,
} from './shared';

const COURSE_TITLES = [
  'Security awareness',
  'Feedback basics',
  'SQL for analysts',
  'Leading teams',
  'GDPR 101',
] as const;
const SKILLS = ['Communication', 'SQL', 'Leadership', 'Data protection', 'Negotiation'] as const;
const PROVIDERS = ['Coursera', 'LinkedIn Learning', 'Udemy Business', 'Internal'] as const;
const PROGRESSION_STATUSES = ['ENROLLED', 'IN_PROGRESS', 'COMPLETED', 'DROPPED'] as const;

function user({ random, ordinal }: RecordContext): RecordFields {
  const who = person(random);
  return {
    first_name: who.firstName,
    last_name: who.lastName,
    work_email: emailOf(who, ordinal, 'company.example.com'),
    status: chance(random, 0.9) ? 'ACTIVE' : 'INACTIVE',
    remote_created_at: pastInstant(random),
    remote_data: null,
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
  };
}

const PROVIDER_POOL = pool('lms-providers', PROVIDERS.length, (random, index) => ({
  ...reference(random),
  name: PROVIDERS[index],
}));
const COURSES = pool('lms-courses', 32, (random) => reference(random));
const SKILL_ASSIGNMENTS = pool('lms-skill-assignments', 16, (random) => [
  { skill: { ...reference(random), name: pick(random, SKILLS) } },
]);

function revision(random: Random, courseId: string): Record<string, unknown> {
  return {
    id: randomKomboId(random),
    remote_id: randomRemoteId(random),
    course_id: courseId,
    title: pick(random, COURSE_TITLES),
    description: null,
    remote_url: null,
    status: 'ACTIVE',
    remote_created_at: pastInstant(random),
    remote_deleted_at: null,
    changed_at: HISTORY_END,
    remote_data: null,
    custom_fields: null,
    integration_fields: none(),
    skill_assignments: pick(random, SKILL_ASSIGNMENTS),
  };
}

function course({ id, random }: RecordContext): RecordFields {
  const provider = pick(random, PROVIDER_POOL);
  return {
    provider_id: provider.id,
    origin_id: null,
    remote_created_at: pastInstant(random),
    remote_data: null,
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    provider,
    revisions: [revision(random, id)],
  };
}

function courseProgression({ random, ordinal }: RecordContext): RecordFields {
  const learner = person(random);
  const status = pick(random, PROGRESSION_STATUSES);
  const enrolled = pastInstant(random);
  const userId = randomKomboId(random);
  const revisionId = randomKomboId(random);
  return {
    user_id: userId,
    course_revision_id: revisionId,
    status,
    enrolled_at: enrolled,
    completed_at: status === 'COMPLETED' ? daysAfter(enrolled, integerBetween(random, 1, 60)) : null,
    remote_data: null,
    user: {
      id: userId,
      remote_id: randomRemoteId(random),
      first_name: learner.firstName,
      last_name: learner.lastName,
      work_email: emailOf(learner, ordinal, 'company.example.com'),
    },
    course_revision: {
      id: revisionId,
      remote_id: randomRemoteId(random),
      title: pick(random, COURSE_TITLES),
      course: pick(random, COURSES),
    },
  };
}

function skill({ random, ordinal }: RecordContext): RecordFields {
  return {
    name: `${pick(random, SKILLS)} ${ordinal + 1}`,
    remote_created_at: pastInstant(random),
    remote_data: null,
    custom_fields: null,
    integration_fields: none(),
  };
}

export const LMS_GENERATORS: readonly ResourceGenerator[] = [
  { resource: 'lms/users', category: 'LMS', generate: user },
  { resource: 'lms/courses', category: 'LMS', generate: course },
  { resource: 'lms/course-progressions', category: 'LMS', generate: courseProgression },
  { resource: 'lms/skills', category: 'LMS', generate: skill },
];
