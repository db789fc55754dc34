import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KomboRecord } from '../kombo/responses';
import { recordPartition, TTL_ATTRIBUTE } from '../table-keys';

/**
 * How one Kombo record is stored in the records table (the public data model; see README).
 * DynamoDB items are limited to 400 KB and 32 levels of nesting: a record that does not fit as a map
 * is stored gzip-compressed, and one that does not fit even then as metadata only, flagged.
 */
export const MAX_INLINE_DATA_BYTES = 350_000;
export const MAX_COMPRESSED_DATA_BYTES = 350_000;
const MAX_MAP_DEPTH = 30;
/** DynamoDB's limit on an attribute name, nested map keys included. */
const MAX_ATTRIBUTE_NAME_BYTES = 65_535;

export type DataEncoding = 'map' | 'gzip' | 'omitted' | 'tombstone';

export interface RecordItem {
  readonly pk: string;
  readonly sk: string;
  readonly integration_id: string;
  readonly resource: string;
  readonly id: string;
  readonly remote_id: string | null;
  /** Kombo's `changed_at`, normalised to `YYYY-MM-DDTHH:mm:ss.sssZ` so strings compare in time order. */
  readonly changed_at: string;
  readonly remote_deleted_at: string | null;
  /** The Kombo record verbatim (absent on tombstones and on gzip/omitted items). */
  readonly data?: Record<string, unknown>;
  /** gzip of the record's JSON, when it is too big or too deep for a map. */
  readonly data_gzip?: Uint8Array;
  readonly data_encoding: DataEncoding;
  /** Size of the record's JSON in bytes, on gzip and omitted items. */
  readonly data_bytes?: number;
  /** SHA-256 of the record's JSON: tells an unchanged re-read from a change. */
  readonly data_hash: string;
  readonly synced_at: string;
  readonly [TTL_ATTRIBUTE]?: number;
}

export interface RecordItemOptions {
  readonly now: Date;
  readonly tombstoneTtlSeconds: number;
}

/**
 * A deletion older than the tombstone TTL: its tombstone would already have expired. Kombo keeps
 * returning such records to `include_deleted=true`, so creating one would bring it back after every
 * expiry; it only replaces a record we still hold.
 */
export function isExpiredDeletion(item: RecordItem, options: RecordItemOptions): boolean {
  return (
    item.remote_deleted_at !== null &&
    Date.parse(item.remote_deleted_at) <= options.now.getTime() - options.tombstoneTtlSeconds * 1000
  );
}

export function normaliseTimestamp(value: string): string {
  return new Date(value).toISOString();
}

/**
 * How a record is stored: as a map when DynamoDB takes it as one, else compressed, else as metadata.
 * `atMost` forces a later step, for a record DynamoDB refused in a way no rule here foresaw.
 */
export function toRecordItem(
  integrationId: string,
  resource: string,
  record: KomboRecord,
  options: RecordItemOptions,
  atMost: 'map' | 'gzip' | 'omitted' = 'map',
): RecordItem {
  const json = JSON.stringify(record);
  const common = {
    pk: recordPartition(integrationId, resource),
    sk: record.id,
    integration_id: integrationId,
    resource,
    id: record.id,
    remote_id: record.remote_id ?? null,
    changed_at: normaliseTimestamp(record.changed_at),
    remote_deleted_at: record.remote_deleted_at ? normaliseTimestamp(record.remote_deleted_at) : null,
    data_hash: createHash('sha256').update(json).digest('base64url'),
    synced_at: options.now.toISOString(),
  };
  if (record.remote_deleted_at) {
    // A tombstone keeps no personal data of a deleted person, and goes away after the TTL.
    return {
      ...common,
      data_encoding: 'tombstone',
      [TTL_ATTRIBUTE]: Math.floor(options.now.getTime() / 1000) + options.tombstoneTtlSeconds,
    };
  }
  const bytes = Buffer.byteLength(json);
  if (atMost === 'map') {
    const mapBytes = dynamoMapBytes(record, 0);
    if (mapBytes !== undefined && mapBytes <= MAX_INLINE_DATA_BYTES) {
      const item: RecordItem = { ...common, data: record, data_encoding: 'map' };
      mapSizes.set(item, mapBytes);
      return item;
    }
  }
  if (atMost !== 'omitted') {
    const compressed = gzipSync(json);
    if (compressed.length <= MAX_COMPRESSED_DATA_BYTES) {
      return { ...common, data_gzip: compressed, data_encoding: 'gzip', data_bytes: bytes };
    }
  }
  return { ...common, data_encoding: 'omitted', data_bytes: bytes };
}

/** The data's size as DynamoDB counts it, for map items this module built: kept, not computed twice. */
const mapSizes = new WeakMap<RecordItem, number>();
/** What an item's other attributes take (names included): keys, hash, timestamps, flags. */
const ITEM_OVERHEAD_BYTES = 300;

/** Write units a put of the item costs (1 per KB started), to pace a partition's writes. */
export function writeUnits(item: RecordItem): number {
  const dataBytes = mapSizes.get(item) ?? item.data_gzip?.length ?? 0;
  return Math.ceil((dataBytes + ITEM_OVERHEAD_BYTES) / 1024);
}

/**
 * The size DynamoDB counts for the value, by its documented rules (JSON's size is not it: a list of
 * small numbers takes half again as much). Undefined when DynamoDB (or the SDK's marshalling) would
 * refuse the value as a map; such a record is stored as gzip. DynamoDB refuses:
 * - an empty attribute name, i.e. a map key `""` at any depth ("Empty attribute name"), and a name
 *   over 64 KB;
 * - nesting deeper than 32 levels;
 * - a number it cannot store exactly: an integer beyond 2^53 (the SDK refuses to marshal it), or a
 *   magnitude outside 1e-130 to 1e126; JSON has no NaN or Infinity;
 * - text that is not valid UTF-8: a lone UTF-16 surrogate, which `JSON.parse` accepts as `\ud800`.
 * Empty sets cannot arise: the SDK marshals JSON arrays as lists, never sets.
 */
function dynamoMapBytes(value: unknown, level: number): number | undefined {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return undefined;
    if (magnitude !== 0 && (magnitude < 1e-130 || magnitude >= 1e126)) return undefined;
    return numberBytes(magnitude);
  }
  if (typeof value === 'string') return isWellFormed(value) ? Buffer.byteLength(value) : undefined;
  if (value === null || typeof value !== 'object') return 1;
  if (level >= MAX_MAP_DEPTH) return undefined;
  const isList = Array.isArray(value);
  // A list or map: 3 bytes, and 1 more per element; a map's keys count as strings.
  let total = 3;
  for (const [key, child] of Object.entries(value)) {
    const keyBytes = isList ? 0 : Buffer.byteLength(key);
    if (!isList && (keyBytes === 0 || keyBytes > MAX_ATTRIBUTE_NAME_BYTES || !isWellFormed(key))) return undefined;
    const childBytes = dynamoMapBytes(child, level + 1);
    if (childBytes === undefined) return undefined;
    total += 1 + childBytes + keyBytes;
  }
  return total;
}

/** False for a string with a lone UTF-16 surrogate, which has no UTF-8 encoding. */
function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** 1 byte per two significant digits, plus 1. */
function numberBytes(magnitude: number): number {
  const digits = magnitude.toExponential().replace(/e.*$/, '').replace('.', '').length;
  return Math.ceil(digits / 2) + 1;
}
