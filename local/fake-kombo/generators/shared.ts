/**
 * Building blocks for the hand-written record generators. Shapes follow the response schemas of
 * Kombo's OpenAPI spec (May 2026); values are plausible, deterministic and cheap.
 *
 * Cheap matters: benchmarks seed 100k+ records and every record stays in memory. So values that
 * many records may share (addresses, dates, a job an application belongs to, ...) come from
 * small frozen pools built once, and only what must be per record (ids, e-mails) is allocated
 * per record. Clients see JSON, so sharing is invisible to them, and it is realistic: many
 * applications do point at the same job.
 */
import { randomKomboId } from '../ids';
import { chance, integerBetween, pick, Random } from '../random';
import type { Category } from '../types';

export interface RecordContext {
  /** The record's own id, so nested rows can point back to it (e.g. an employment's `employee_id`). */
  readonly id: string;
  readonly random: Random;
  /** When the record is generated, ISO with milliseconds (the fake's clock). */
  readonly now: string;
  /** 0-based position of the record among its resource's records in its integration. */
  readonly ordinal: number;
}

/** The model fields of one record; the store adds `id`, `remote_id`, `changed_at`, `remote_deleted_at`. */
export type RecordFields = Record<string, unknown>;

export interface ResourceGenerator {
  /** Endpoint path without version, e.g. `ats/applications`. */
  readonly resource: string;
  readonly category: Category;
  generate(context: RecordContext): RecordFields;
}

/**
 * Generated "remote" dates lie before this fixed instant, not before the clock, so the same seed
 * always yields the same data whatever the time of the run.
 */
export const HISTORY_END = '2026-01-01T00:00:00.000Z';
const HISTORY_END_MS = Date.parse(HISTORY_END);
const DAY_MS = 86_400_000;

/** A frozen pool of `size` values made from a fixed seed: identical in every run and every fake. */
export function pool<T>(name: string, size: number, make: (random: Random, index: number) => T): readonly T[] {
  const random = new Random(size, name.length, name.charCodeAt(0), 0x5eed);
  return Object.freeze(Array.from({ length: size }, (_, index) => frozen(make(random, index))));
}

/** Deep-freezes a value shared between records, so no caller can change one record through another. */
export function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) frozen(child);
  }
  return value;
}

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Hedy',
  'Donald',
  'Sophie',
  'Yukihiro',
  'Anita',
  'Guido',
  'Shafi',
] as const;
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Johnson',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'Knuth',
  'Wilson',
  'Matsumoto',
  'Borg',
  'van Rossum',
  'Goldwasser',
] as const;
const CITIES = [
  { city: 'Berlin', state: 'Berlin', country: 'DE', zip: '10115' },
  { city: 'Munich', state: 'Bavaria', country: 'DE', zip: '80331' },
  { city: 'London', state: null, country: 'GB', zip: 'EC1A 1BB' },
  { city: 'Paris', state: 'Île-de-France', country: 'FR', zip: '75001' },
  { city: 'New York', state: 'NY', country: 'US', zip: '10001' },
  { city: 'Toronto', state: 'ON', country: 'CA', zip: 'M5H 2N2' },
] as const;
const STREETS = ['Main Street', 'Hauptstraße', 'Rue de Rivoli', 'Baker Street', 'King Street West'] as const;

export interface Person {
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  /** Lower-case ASCII e-mail local part, e.g. `ada.lovelace`. */
  readonly emailLocal: string;
}

const PEOPLE = pool('people', 400, (_, index): Person => {
  const firstName = FIRST_NAMES[index % FIRST_NAMES.length];
  const lastName = LAST_NAMES[Math.floor(index / FIRST_NAMES.length)];
  const emailLocal = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
  return { firstName, lastName, displayName: `${firstName} ${lastName}`, emailLocal };
});

export function person(random: Random): Person {
  return pick(random, PEOPLE);
}

/** Unique per ordinal; lower-case ASCII, so it matches the spec's e-mail pattern. */
export function emailOf(who: Person, ordinal: number, domain = 'example.com'): string {
  return `${who.emailLocal}.${ordinal}@${domain}`;
}

const INSTANTS = pool('instants', 4096, (random) => {
  const created = HISTORY_END_MS - Math.floor(random.next() * 1_000 * DAY_MS);
  const updated = created + Math.floor(random.next() * 30 * DAY_MS);
  return {
    created: new Date(created).toISOString(),
    updated: new Date(Math.min(updated, HISTORY_END_MS)).toISOString(),
  };
});

/** A remote creation time and a later update time, ISO with milliseconds, before the history end. */
export function remoteTimes(random: Random): { readonly created: string; readonly updated: string } {
  return pick(random, INSTANTS);
}

export function pastInstant(random: Random): string {
  return pick(random, INSTANTS).created;
}

const DAYS = pool('days', 4096, (_, index) => new Date(HISTORY_END_MS - (index + 1) * DAY_MS).toISOString());

/** A day (midnight UTC) up to ~11 years before the history end; Kombo sends dates as date-times. */
export function pastDay(random: Random): string {
  return pick(random, DAYS);
}

/** An instant `days` after `isoInstant`. */
export function daysAfter(isoInstant: string, days: number): string {
  return new Date(Date.parse(isoInstant) + days * DAY_MS).toISOString();
}

export type Address = Readonly<
  Record<'city' | 'country' | 'raw' | 'state' | 'street_1' | 'street_2' | 'zip_code', string | null>
>;

const ADDRESSES = pool('addresses', 64, (random): Address => {
  const place = pick(random, CITIES);
  const street1 = `${pick(random, STREETS)} ${integerBetween(random, 1, 200)}`;
  return {
    city: place.city,
    country: place.country,
    raw: `${street1}, ${place.zip} ${place.city}, ${place.country}`,
    state: place.state,
    street_1: street1,
    street_2: null,
    zip_code: place.zip,
  };
});

export function address(random: Random): Address {
  return pick(random, ADDRESSES);
}

/** A numeric remote id, as most tools use. */
export function randomRemoteId(random: Random): string {
  return String(integerBetween(random, 1_000, 9_999_999));
}

/**
 * The id and remote id of something a record points to, for pools. Per-record code writes both
 * fields into its object literal instead: spreading into a literal is many times slower in V8.
 */
export function reference(random: Random): { id: string; remote_id: string } {
  return { id: randomKomboId(random), remote_id: randomRemoteId(random) };
}

export function remoteUrl(tool: string, path: string, remoteId: string): string {
  return `https://${tool}.example.com/${path}/${remoteId}`;
}

const EMPTY: readonly never[] = Object.freeze([]);

/** An empty list shared by every record that has nothing in it. */
export function none(): readonly never[] {
  return EMPTY;
}

const INTEGRATION_FIELDS = pool('integration-fields', 8, (random) => [
  // The spec types `value` as null only.
  { id: randomKomboId(random), key: 'internal_code', type: 'CUSTOM', value: null, label: 'Internal code' },
]);

/** Kombo's `integration_fields`: usually empty. */
export function integrationFields(random: Random): readonly unknown[] {
  return chance(random, 0.2) ? pick(random, INTEGRATION_FIELDS) : EMPTY;
}

const CUSTOM_FIELDS = pool('custom-fields', 32, (random) => ({
  cost_center: `CC-${integerBetween(random, 100, 999)}`,
}));

/** Kombo's free-form `custom_fields`. */
export function customFields(random: Random): Readonly<Record<string, unknown>> | null {
  return chance(random, 0.3) ? null : pick(random, CUSTOM_FIELDS);
}

export function sometimesNull<T>(random: Random, nullProbability: number, make: () => T): T | null {
  return chance(random, nullProbability) ? null : make();
}
