/**
 * HRIS records, shaped after the `GET /hris/*` response schemas of Kombo's OpenAPI spec. As for
 * ATS, nested objects come from shared pools or carry their own ids; only an employee's own
 * employments and balances point back to it.
 */
import { randomKomboId } from '../ids';
import { chance, integerBetween, pick, type Random } from '../random';
import {
  address,
  customFields,
  emailOf,
  HISTORY_END,
  integrationFields,
  none,
  pastDay,
  person,
  pool,
  type RecordContext,
  type RecordFields,
  type ResourceGenerator,
  randomRemoteId,
  reference,
  remoteTimes,
  remoteUrl,
} from './shared';

const JOB_TITLES = ['Software Engineer', 'HR Manager', 'Accountant', 'Sales Lead', 'Office Manager'] as const;
const GROUP_TYPES = ['DEPARTMENT', 'TEAM', 'COST_CENTER'] as const;
const GROUP_NAMES = ['Engineering', 'People', 'Finance', 'Sales', 'Operations'] as const;
const EMPLOYMENT_STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'PENDING', 'INACTIVE', 'LEAVE'] as const;
const EMPLOYMENT_TYPES = ['FULL_TIME', 'FULL_TIME', 'PART_TIME', 'CONTRACT', 'WORKING_STUDENT'] as const;
const ABSENCE_TYPE_NAMES = ['Vacation', 'Sick leave', 'Parental leave', 'Unpaid leave'] as const;
const ABSENCE_STATUSES = ['REQUESTED', 'APPROVED', 'APPROVED', 'DECLINED', 'CANCELLED'] as const;
const DOCUMENT_CATEGORIES = ['Contracts', 'Payslips', 'Certificates', 'Performance'] as const;
const LEGAL_ENTITY_NAMES = ['Example GmbH', 'Example Ltd', 'Example Inc.', 'Example SAS'] as const;

/** Nested complete records (an employee's work location, an absence's type) carry common fields too. */
const NESTED_COMMON = { changed_at: HISTORY_END, remote_deleted_at: null } as const;

function locationFields(random: Random) {
  const place = address(random);
  return { name: `${place.city} office`, address: place, type: 'OFFICE', remote_data: null };
}

function absenceTypeFields(random: Random) {
  const unit = pick(random, ['DAYS', 'HOURS'] as const);
  return {
    name: pick(random, ABSENCE_TYPE_NAMES),
    unit,
    half_days_supported: unit === 'DAYS',
    exact_times_supported: unit === 'HOURS',
    remote_data: null,
  };
}

function reviewCycleFields(random: Random): RecordFields {
  return {
    name: `Review cycle H${integerBetween(random, 1, 2)}`,
    review_period_start_date: pastDay(random),
    remote_data: null,
  };
}

const GROUPS = pool('hris-groups', 16, (random) => ({
  ...reference(random),
  name: pick(random, GROUP_NAMES),
  type: pick(random, GROUP_TYPES),
}));
const GROUP_LISTS = pool('hris-group-lists', 16, (random) => [pick(random, GROUPS)]);
const WORK_LOCATIONS = pool('hris-work-locations', 16, (random) => ({
  ...reference(random),
  ...locationFields(random),
  ...NESTED_COMMON,
}));
const LEGAL_ENTITIES = pool('hris-legal-entities', 4, (random, index) => ({
  ...reference(random),
  name: LEGAL_ENTITY_NAMES[index],
  address: address(random),
}));
const ABSENCE_TYPES = pool('hris-absence-types', 8, (random) => ({
  ...reference(random),
  ...absenceTypeFields(random),
  ...NESTED_COMMON,
}));
const REVIEW_CYCLES = pool('hris-review-cycles', 8, (random) => ({
  ...reference(random),
  ...reviewCycleFields(random),
  ...NESTED_COMMON,
}));
const MANAGERS = pool('hris-managers', 64, (random, index) => {
  const who = person(random);
  return {
    ...reference(random),
    first_name: who.firstName,
    last_name: who.lastName,
    display_full_name: who.displayName,
    employee_number: String(index + 1),
    work_email: emailOf(who, index, 'company.example.com'),
    employment_status: 'ACTIVE',
    termination_date: null,
  };
});
const REVIEW_PARTICIPANTS = pool('hris-review-participants', 64, (random, index) => {
  const who = person(random);
  return {
    ...reference(random),
    first_name: who.firstName,
    last_name: who.lastName,
    display_full_name: who.displayName,
    work_email: emailOf(who, index, 'company.example.com'),
    remote_deleted_at: null,
  };
});
const STAFFING_LOCATIONS = pool('hris-staffing-locations', 8, (random) => {
  const location = pick(random, WORK_LOCATIONS);
  return [{ id: location.id, remote_id: location.remote_id, name: location.name, type: location.type }];
});
const STAFFING_LEGAL_ENTITIES = pool('hris-staffing-legal-entities', 4, (_, index) => {
  const entity = LEGAL_ENTITIES[index];
  return [{ id: entity.id, remote_id: entity.remote_id, name: entity.name }];
});
const EMPLOYMENT_TYPE_LISTS = pool('hris-employment-types', 1, () => [
  { remote_label: 'Full-time', unified_type: 'FULL_TIME' },
]);

/** An employment, as its own record or nested in its employee (then with the common fields). */
function employmentFields(random: Random, employeeId: string): RecordFields {
  return {
    id: randomKomboId(random),
    remote_id: randomRemoteId(random),
    employee_id: employeeId,
    job_title: pick(random, JOB_TITLES),
    pay_rate: integerBetween(random, 30, 120) * 1_000,
    pay_period: 'YEAR',
    pay_frequency: 'MONTHLY',
    employment_type: pick(random, EMPLOYMENT_TYPES),
    pay_currency: 'EUR',
    effective_date: pastDay(random),
    remote_data: null,
    custom_fields: null,
    integration_fields: none(),
    changed_at: HISTORY_END,
    remote_deleted_at: null,
  };
}

/** A time-off balance, as its own record or nested in its employee (then with the common fields). */
function timeOffBalanceFields(random: Random, employeeId: string): RecordFields {
  const unit = pick(random, ['DAYS', 'HOURS'] as const);
  const type = pick(random, ABSENCE_TYPES);
  return {
    id: randomKomboId(random),
    remote_id: randomRemoteId(random),
    employee_id: employeeId,
    type_id: type.id,
    balance: integerBetween(random, 0, 30),
    balance_unit: unit,
    used: integerBetween(random, 0, 10),
    used_unit: unit,
    remote_data: null,
    changed_at: HISTORY_END,
    remote_deleted_at: null,
    type,
  };
}

function employee({ id, random, ordinal }: RecordContext): RecordFields {
  const who = person(random);
  const status = pick(random, EMPLOYMENT_STATUSES);
  const startDate = pastDay(random);
  const workLocation = pick(random, WORK_LOCATIONS);
  const legalEntity = pick(random, LEGAL_ENTITIES);
  const manager = pick(random, MANAGERS);
  return {
    employee_number: String(ordinal + 1),
    first_name: who.firstName,
    last_name: who.lastName,
    nationality: pick(random, ['DE', 'FR', 'GB', 'US', null] as const),
    display_full_name: who.displayName,
    job_title: pick(random, JOB_TITLES),
    work_email: emailOf(who, ordinal, 'company.example.com'),
    personal_email: chance(random, 0.5) ? null : emailOf(who, ordinal),
    mobile_phone_number: chance(random, 0.5) ? null : `+4917${integerBetween(random, 10_000_000, 99_999_999)}`,
    ssn: null,
    tax_id: null,
    gender: pick(random, ['MALE', 'FEMALE', 'NON_BINARY', 'NOT_SPECIFIED'] as const),
    ethnicity: null,
    marital_status: null,
    employment_status: status,
    employment_type: pick(random, EMPLOYMENT_TYPES),
    weekly_hours: pick(random, [40, 40, 32, 20] as const),
    avatar: null,
    work_location_id: workLocation.id,
    legal_entity_id: legalEntity.id,
    manager_id: manager.id,
    home_address: chance(random, 0.3) ? null : address(random),
    bank_accounts: none(),
    date_of_birth: pastDay(random),
    start_date: startDate,
    termination_date: status === 'INACTIVE' ? HISTORY_END : null,
    remote_created_at: startDate,
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    remote_data: null,
    employments: [employmentFields(random, id)],
    // Nested balances carry no `type` in the spec; the extra field is harmless (objects are open).
    time_off_balances: chance(random, 0.5) ? [timeOffBalanceFields(random, id)] : none(),
    manager,
    groups: pick(random, GROUP_LISTS),
    legal_entity: legalEntity,
    teams: none(),
    work_location: workLocation,
  };
}

function absence({ random }: RecordContext): RecordFields {
  const type = pick(random, ABSENCE_TYPES);
  const times = remoteTimes(random);
  return {
    employee_id: randomKomboId(random),
    approver_id: chance(random, 0.3) ? null : pick(random, MANAGERS).id,
    // The spec types these four as `null` only (its generator could not express date-only values).
    start_date: null,
    end_date: null,
    start_half_day: false,
    end_half_day: false,
    start_time: null,
    end_time: null,
    amount: integerBetween(random, 1, 10),
    unit: type.unit,
    status: pick(random, ABSENCE_STATUSES),
    employee_note: null,
    type_id: type.id,
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    remote_data: null,
    type,
  };
}

function timesheet({ random }: RecordContext): RecordFields {
  const started = remoteTimes(random).created;
  const hours = integerBetween(random, 4, 9);
  return {
    employee_id: randomKomboId(random),
    started_at: started,
    ended_at: new Date(Date.parse(started) + (hours * 60 + 30) * 60_000).toISOString(),
    timezone: pick(random, ['+01:00', '+00:00', '-05:00'] as const),
    payable_hours: hours,
    unpaid_break_minutes: 30,
    breaks: none(),
    approval_status: pick(random, ['APPROVED', 'PENDING', null] as const),
    approved_at: null,
    comment: null,
    custom_fields: null,
    integration_fields: none(),
    remote_data: null,
  };
}

function performanceReview({ random }: RecordContext): RecordFields {
  return {
    type: pick(random, ['MANAGER', 'DIRECT_REPORT', 'PEER', 'SELF'] as const),
    summary_comment: chance(random, 0.5) ? null : 'Solid half-year.',
    summary_rating: { type: 'NUMERIC', min: 1, max: 5, value: integerBetween(random, 1, 5) },
    remote_data: null,
    reviewee: pick(random, REVIEW_PARTICIPANTS),
    reviewer: pick(random, REVIEW_PARTICIPANTS),
    review_cycle: pick(random, REVIEW_CYCLES),
  };
}

function staffingEntity({ random, ordinal }: RecordContext): RecordFields {
  const times = remoteTimes(random);
  return {
    name: pick(random, JOB_TITLES),
    model_type: pick(random, ['JOB', 'POSITION', 'REQUISITION'] as const),
    description: null,
    status: pick(random, ['OPEN_LIMITED', 'OPEN_UNLIMITED', 'PENDING', 'FROZEN', 'FILLED', 'CLOSED'] as const),
    employment_types: EMPLOYMENT_TYPE_LISTS[0],
    number_of_openings: integerBetween(random, 1, 3),
    parent_id: null,
    remote_url: remoteUrl('workday', 'positions', String(ordinal + 1)),
    remote_created_at: times.created,
    remote_updated_at: times.updated,
    custom_fields: customFields(random),
    integration_fields: integrationFields(random),
    remote_data: null,
    locations: pick(random, STAFFING_LOCATIONS),
    legal_entities: pick(random, STAFFING_LEGAL_ENTITIES),
    groups: pick(random, GROUP_LISTS),
  };
}

export const HRIS_GENERATORS: readonly ResourceGenerator[] = [
  { resource: 'hris/employees', category: 'HRIS', generate: employee },
  {
    resource: 'hris/employments',
    category: 'HRIS',
    generate: ({ random }) => employmentFields(random, randomKomboId(random)),
  },
  {
    resource: 'hris/groups',
    category: 'HRIS',
    generate: ({ random }) => ({
      name: pick(random, GROUP_NAMES),
      type: pick(random, GROUP_TYPES),
      parent_id: null,
      remote_data: null,
    }),
  },
  { resource: 'hris/locations', category: 'HRIS', generate: ({ random }) => locationFields(random) },
  {
    resource: 'hris/legal-entities',
    category: 'HRIS',
    generate: ({ random }) => ({ name: pick(random, LEGAL_ENTITY_NAMES), address: address(random), remote_data: null }),
  },
  { resource: 'hris/absence-types', category: 'HRIS', generate: ({ random }) => absenceTypeFields(random) },
  { resource: 'hris/absences', category: 'HRIS', generate: absence },
  {
    resource: 'hris/time-off-balances',
    category: 'HRIS',
    generate: ({ random }) => timeOffBalanceFields(random, randomKomboId(random)),
  },
  { resource: 'hris/timesheets', category: 'HRIS', generate: timesheet },
  {
    resource: 'hris/employee-document-categories',
    category: 'HRIS',
    generate: ({ random }) => ({ name: pick(random, DOCUMENT_CATEGORIES), remote_data: null }),
  },
  { resource: 'hris/performance-review-cycles', category: 'HRIS', generate: ({ random }) => reviewCycleFields(random) },
  { resource: 'hris/performance-reviews', category: 'HRIS', generate: performanceReview },
  { resource: 'hris/staffing-entities', category: 'HRIS', generate: staffingEntity },
];
