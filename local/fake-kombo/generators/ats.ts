/**
 * ATS records, shaped after the `GET /ats/*` response schemas of Kombo's OpenAPI spec. Nested
 * objects (an application's job, stage, ...) come from shared pools or carry their own ids; they
 * are not linked to other stored records, because the sync under test stores each endpoint's
 * records as they come.
 */
import { randomKomboId } from '../ids';
import { chance, integerBetween, pick, type Random } from '../random';
import {
  address,
  customFields,
  daysAfter,
  emailOf,
  frozen,
  integrationFields,
  none,
  person,
  pool,
  type RecordContext,
  type RecordFields,
  type ResourceGenerator,
  randomRemoteId,
  reference,
  remoteTimes,
  remoteUrl,
  sometimesNull,
} from './shared';

const TOOL = 'greenhouse';
const OUTCOMES = ['PENDING', 'PENDING', 'HIRED', 'DECLINED', null] as const;
const OFFER_STATUSES = ['ACCEPTED', 'DECLINED', 'SENT', 'APPROVED', 'DRAFT', 'ABANDONED'] as const;
const STAGE_NAMES = ['Applied', 'Phone screen', 'Technical interview', 'Onsite', 'Offer', 'Hired'] as const;
const JOB_NAMES = ['Backend Engineer', 'Product Designer', 'Data Analyst', 'Account Executive', 'Recruiter'] as const;
const DEPARTMENTS = ['Engineering', 'Design', 'Data', 'Sales', 'People'] as const;
const REJECTION_REASONS = ['Not qualified', 'Position filled', 'Withdrew', 'Salary expectations', 'No show'] as const;
const TAG_NAMES = ['Referral', 'Senior', 'Remote', 'Silver medalist', 'Relocation'] as const;
const SOURCES = ['LinkedIn', 'Referral', 'Career site', 'Agency', null] as const;
const ROLE_TYPES = ['HIRING_MANAGER', 'RECRUITER', 'COORDINATOR', 'SOURCER', 'INTERVIEWER', 'ADMIN'] as const;
const JOB_STATUSES = ['OPEN', 'OPEN', 'CLOSED', 'DRAFT', 'ARCHIVED'] as const;

const STAGES = pool('ats-stages', STAGE_NAMES.length, (random, index) => ({
  ...reference(random),
  name: STAGE_NAMES[index],
  index,
}));
const JOBS = pool('ats-jobs', 32, (random) => ({ ...reference(random), name: pick(random, JOB_NAMES) }));
const TAGS = pool('ats-tags', 16, (random) => [{ ...reference(random), name: pick(random, TAG_NAMES) }]);
const HIRING_TEAMS = pool('ats-hiring-teams', 32, (random, index) => {
  const who = person(random);
  return [
    {
      ...reference(random),
      first_name: who.firstName,
      last_name: who.lastName,
      email: emailOf(who, index, 'company.example.com'),
      hiring_team_roles: ['HIRING_MANAGER'],
      job_roles: [{ remote_id: null, remote_label: 'Hiring Manager', scope: 'JOB', unified_type: 'HIRING_MANAGER' }],
    },
  ];
});
const JOB_STAGE_LISTS = pool('ats-job-stages', 16, (random) =>
  STAGE_NAMES.slice(0, 3).map((name, index) => ({ ...reference(random), name, remote_data: null, index })),
);
const INTERVIEWERS = pool('ats-interviewers', 32, (random, index) => {
  const who = person(random);
  return [
    {
      ...reference(random),
      first_name: who.firstName,
      last_name: who.lastName,
      email: emailOf(who, index, 'company.example.com'),
    },
  ];
});
const SCREENING_ANSWERS = frozen([
  {
    question: { remote_id: null, title: 'Why do you want to join?', type: 'TEXT' },
    answer: { content: 'The mission.' },
  },
  { question: { remote_id: null, title: 'Do you need a visa?', type: 'BOOLEAN' }, answer: { checked: false } },
]);

function tags(random: Random): readonly unknown[] {
  return chance(random, 0.4) ? pick(random, TAGS) : none();
}

/** A candidate as nested in applications, interviews and offers. */
function candidateContact(random: Random, ordinal: number) {
  const who = person(random);
  return {
    id: randomKomboId(random),
    remote_id: randomRemoteId(random),
    first_name: who.firstName,
    last_name: who.lastName,
    email_addresses: [{ email_address: emailOf(who, ordinal), type: 'PERSONAL' }],
  };
}

function application({ random, ordinal }: RecordContext): RecordFields {
  const outcome = pick(random, OUTCOMES);
  const declined = outcome === 'DECLINED';
  const candidate = candidateContact(random, ordinal);
  const stage = pick(random, STAGES);
  const job = pick(random, JOBS);
  const times = remoteTimes(random);
  return {
    outcome,
    rejection_reason_name: declined ? pick(random, REJECTION_REASONS) : null,
    rejected_at: declined ? times.updated : null,
    current_stage_id: stage.id,
    job_id: job.id,
    candidate_id: candidate.id,
    screening_question_answers: chance(random, 0.3) ? SCREENING_ANSWERS : none(),
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    remote_url: remoteUrl(TOOL, 'applications', String(ordinal + 1)),
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    remote_data: null,
    candidate: {
      id: candidate.id,
      remote_id: candidate.remote_id,
      first_name: candidate.first_name,
      last_name: candidate.last_name,
      email_addresses: candidate.email_addresses,
      phone_numbers: none(),
      social_media: none(),
      source: pick(random, SOURCES),
      remote_url: remoteUrl(TOOL, 'people', candidate.remote_id),
      tags: tags(random),
    },
    current_stage: stage,
    job,
    interviews: none(),
    offers:
      outcome === 'HIRED'
        ? [{ id: randomKomboId(random), remote_id: randomRemoteId(random), status: 'ACCEPTED' }]
        : none(),
  };
}

function candidate({ random, ordinal }: RecordContext): RecordFields {
  const who = person(random);
  const times = remoteTimes(random);
  return {
    first_name: who.firstName,
    last_name: who.lastName,
    company: chance(random, 0.4) ? null : 'Example GmbH',
    title: chance(random, 0.4) ? null : pick(random, JOB_NAMES),
    confidential: false,
    source: pick(random, SOURCES),
    phone_numbers: [{ phone_number: `+4930${integerBetween(random, 1_000_000, 9_999_999)}`, type: 'MOBILE' }],
    email_addresses: [{ email_address: emailOf(who, ordinal), type: 'PERSONAL' }],
    social_media: none(),
    location: chance(random, 0.5) ? null : address(random),
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    remote_url: remoteUrl(TOOL, 'people', String(ordinal + 1)),
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    remote_data: null,
    applications: [
      {
        id: randomKomboId(random),
        remote_id: randomRemoteId(random),
        outcome: 'PENDING',
        rejection_reason_name: null,
        rejected_at: null,
        remote_url: null,
        changed_at: times.updated,
        remote_created_at: times.created,
        remote_updated_at: times.updated,
        current_stage: pick(random, STAGES),
        job: pick(random, JOBS),
      },
    ],
    tags: tags(random),
  };
}

function interview({ random, ordinal }: RecordContext): RecordFields {
  const times = remoteTimes(random);
  const applicationId = randomKomboId(random);
  return {
    title: `${pick(random, STAGE_NAMES)} interview`,
    starting_at: times.updated,
    ending_at: new Date(Date.parse(times.updated) + 3_600_000).toISOString(),
    location: chance(random, 0.6) ? null : address(random),
    video_conferencing_url: sometimesNull(random, 0.3, () => `https://meet.example.com/${ordinal}`),
    application_id: applicationId,
    stage_id: pick(random, STAGES).id,
    canceled: chance(random, 0.1),
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    remote_data: null,
    users: pick(random, INTERVIEWERS),
    application: {
      id: applicationId,
      remote_id: randomRemoteId(random),
      outcome: 'PENDING',
      rejection_reason_name: null,
      candidate: candidateContact(random, ordinal),
      job: pick(random, JOBS),
    },
  };
}

function job({ random, ordinal }: RecordContext): RecordFields {
  const status = pick(random, JOB_STATUSES);
  const times = remoteTimes(random);
  const salaryFrom = integerBetween(random, 40, 90) * 1_000;
  return {
    name: pick(random, JOB_NAMES),
    job_code: `JOB-${ordinal + 1}`,
    description: '<p>Join our team.</p>',
    confidential: false,
    weekly_hours: 40,
    employment_type: pick(random, ['FULL_TIME', 'PART_TIME', 'CONTRACT', 'INTERNSHIP'] as const),
    status,
    visibility: pick(random, ['PUBLIC', 'INTERNAL', 'UNLISTED'] as const),
    category: null,
    department: pick(random, DEPARTMENTS),
    post_url: status === 'OPEN' ? `https://careers.example.com/jobs/${ordinal + 1}` : null,
    experience_level: null,
    remote_work_status: pick(random, ['REMOTE', 'HYBRID', 'ON_SITE'] as const),
    salary_amount: null,
    salary_amount_from: salaryFrom,
    salary_amount_to: salaryFrom + 20_000,
    salary_currency: 'EUR',
    salary_period: 'YEAR',
    location: address(random),
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    remote_url: remoteUrl(TOOL, 'jobs', String(ordinal + 1)),
    opened_at: times.created,
    closed_at: status === 'CLOSED' || status === 'ARCHIVED' ? times.updated : null,
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    contact_id: null,
    remote_data: null,
    stages: pick(random, JOB_STAGE_LISTS),
    screening_questions: none(),
    job_postings: none(),
    hiring_team: pick(random, HIRING_TEAMS),
  };
}

function offer({ random, ordinal }: RecordContext): RecordFields {
  const times = remoteTimes(random);
  return {
    status: pick(random, OFFER_STATUSES),
    employment_start_date: daysAfter(times.created, 30),
    application_id: randomKomboId(random),
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    remote_data: null,
    application: { candidate: candidateContact(random, ordinal), job: pick(random, JOBS) },
  };
}

const SYSTEM_ROLES = frozen(
  ROLE_TYPES.map((role) => [
    { remote_id: null, remote_label: role.toLowerCase(), scope: 'SYSTEM', unified_type: role },
  ]),
);

function user({ random, ordinal }: RecordContext): RecordFields {
  const who = person(random);
  return {
    first_name: who.firstName,
    last_name: who.lastName,
    email: emailOf(who, ordinal, 'company.example.com'),
    status: chance(random, 0.9) ? 'ACTIVE' : 'INACTIVE',
    remote_data: null,
    system_roles: pick(random, SYSTEM_ROLES),
  };
}

/** Tags, stages, rejection reasons: a name plus the common fields. */
function named(names: readonly string[]) {
  return ({ random, ordinal }: RecordContext): RecordFields => ({
    name: `${pick(random, names)} ${ordinal + 1}`,
    remote_data: null,
  });
}

function role({ random }: RecordContext): RecordFields {
  const unifiedType = pick(random, ROLE_TYPES);
  return {
    remote_label: unifiedType.replace('_', ' ').toLowerCase(),
    scope: pick(random, ['SYSTEM', 'JOB'] as const),
    unified_type: unifiedType,
    remote_data: null,
  };
}

export const ATS_GENERATORS: readonly ResourceGenerator[] = [
  { resource: 'ats/applications', category: 'ATS', generate: application },
  { resource: 'ats/candidates', category: 'ATS', generate: candidate },
  { resource: 'ats/interviews', category: 'ATS', generate: interview },
  { resource: 'ats/jobs', category: 'ATS', generate: job },
  { resource: 'ats/offers', category: 'ATS', generate: offer },
  { resource: 'ats/rejection-reasons', category: 'ATS', generate: named(REJECTION_REASONS) },
  { resource: 'ats/users', category: 'ATS', generate: user },
  { resource: 'ats/tags', category: 'ATS', generate: named(TAG_NAMES) },
  { resource: 'ats/application-stages', category: 'ATS', generate: named(STAGE_NAMES) },
  { resource: 'ats/roles', category: 'ATS', generate: role },
];
