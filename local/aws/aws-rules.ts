import { isObject, type RequestPart, requestParts, type WireItem } from './dynamo-request-parts';
import { itemBytes, MAX_ITEM_BYTES, utf8Bytes, valueBytes } from './item-size';

/**
 * Rules real DynamoDB enforces and dynalite 4.0.0 does not, checked on the request before it
 * reaches dynalite. Each was tried against raw dynalite, which stored the request AWS refuses.
 * The messages are modelled on AWS's (the exact wording is not published for all of them); what
 * tests rely on is the error type, `ValidationException`, and that nothing is stored.
 */

export interface TableKeyNames {
  readonly hash: string;
  readonly range?: string;
}

/** The key schema of a table, when the caller knows it (the key-size rule needs it). */
export type KeySchemaLookup = (table: string) => TableKeyNames | undefined;

const INVALID = 'One or more parameter values were invalid:';
const EMPTY_NAME = `${INVALID} An AttributeValue may not contain an empty attribute name`;
const MAX_NAME_BYTES = 65_535;
const NAME_TOO_LONG = `${INVALID} Size of attribute name has exceeded the maximum size limit of ${MAX_NAME_BYTES} bytes`;
const NESTING =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
const MAX_HASH_KEY_BYTES = 2048;
const MAX_RANGE_KEY_BYTES = 1024;
const MAX_EXPRESSION_BYTES = 4096;
/** Maps and lists above the innermost value: AWS takes 31 and refuses 32 (32 levels, leaf included). */
const MAX_CONTAINER_LEVELS = 31;

/** True when some map key in `value`, at any depth (also inside lists), passes `test`. */
function someNestedName(value: unknown, test: (name: string) => boolean): boolean {
  if (!isObject(value)) return false;
  if (isObject(value.M)) return someName(value.M, test);
  if (Array.isArray(value.L)) return value.L.some((element) => someNestedName(element, test));
  return false;
}

function someName(item: WireItem, test: (name: string) => boolean): boolean {
  for (const [name, value] of Object.entries(item)) if (test(name) || someNestedName(value, test)) return true;
  return false;
}

/** The attribute maps of a part whose names are stored or addressed: item, key, legacy updates. */
const namedMaps = (part: RequestPart) =>
  [part.item, part.key, part.attributeUpdates].filter((map): map is WireItem => map !== undefined);

function namesRule(part: RequestPart, test: (name: string) => boolean, message: string): string | undefined {
  if (namedMaps(part).some((map) => someName(map, test))) return message;
  for (const [placeholder, value] of Object.entries(part.expressionValues ?? {})) {
    if (someNestedName(value, test))
      return `ExpressionAttributeValues contains invalid value: ${message} for key ${placeholder}`;
  }
  return undefined;
}

/**
 * AWS: "Attribute names must be at least one character long" — everywhere, so also a map key `""`
 * at any depth of an item, a key, or an expression value, and an ExpressionAttributeNames value.
 * dynalite stores `{ data: { M: { "": ... } } }` and even a top-level attribute named `""`.
 */
export function emptyAttributeName(part: RequestPart): string | undefined {
  const refusal = namesRule(part, (name) => name === '', EMPTY_NAME);
  if (refusal) return refusal;
  for (const [placeholder, name] of Object.entries(part.expressionNames ?? {})) {
    if (name === '')
      return `ExpressionAttributeNames contains invalid value: Empty attribute name for key ${placeholder}`;
  }
  return undefined;
}

/** AWS: attribute names are "less than 64 KB" (65,535 UTF-8 bytes), map keys too. dynalite has no limit. */
export function attributeNameTooLong(part: RequestPart): string | undefined {
  // A name of at most 21,845 UTF-16 units is at most 65,535 UTF-8 bytes: skip the byte count.
  const tooLong = (name: string) => name.length > MAX_NAME_BYTES / 3 && utf8Bytes(name) > MAX_NAME_BYTES;
  const refusal = namesRule(part, tooLong, NAME_TOO_LONG);
  if (refusal) return refusal;
  for (const [placeholder, name] of Object.entries(part.expressionNames ?? {})) {
    if (typeof name === 'string' && tooLong(name))
      return `ExpressionAttributeNames contains invalid value: ${NAME_TOO_LONG} for key ${placeholder}`;
  }
  return undefined;
}

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (!isObject(value)) return false;
  const children = isObject(value.M) ? Object.values(value.M) : Array.isArray(value.L) ? value.L : undefined;
  if (children === undefined) return false;
  return levels === 0 || children.some((child) => nestedDeeperThan(child, levels - 1));
}

/**
 * AWS: "DynamoDB supports nested attributes up to 32 levels deep" — 31 maps or lists around a
 * value pass, 32 are refused (as reported from real AWS). Expression values are held to it too:
 * some regions refuse them up front, the others once stored; failing early is the safe side.
 * dynalite stores any depth.
 */
export function nestedTooDeep(part: RequestPart): string | undefined {
  const tooDeep = (map: WireItem | undefined) =>
    Object.values(map ?? {}).some((value) => nestedDeeperThan(value, MAX_CONTAINER_LEVELS));
  if (namedMaps(part).some(tooDeep)) return NESTING;
  for (const [placeholder, value] of Object.entries(part.expressionValues ?? {})) {
    if (nestedDeeperThan(value, MAX_CONTAINER_LEVELS))
      return `ExpressionAttributeValues contains invalid value: ${NESTING} for key ${placeholder}`;
  }
  return undefined;
}

/** The byte size of a key attribute's value, or 0 when it is not a string or binary. */
function keyValueBytes(value: unknown): number {
  return isObject(value) && (typeof value.S === 'string' || typeof value.B === 'string') ? valueBytes(value) : 0;
}

/**
 * AWS: a partition key value is at most 2,048 bytes and a sort key value at most 1,024, strings
 * counted in UTF-8. dynalite counts UTF-16 code units, so 1,500 `é` (3,000 bytes) pass as a
 * partition key. Needs the table's key schema; without it the rule is skipped.
 */
export function keyTooLarge(part: RequestPart, keySchemaOf: KeySchemaLookup): string | undefined {
  const keys = part.table === undefined ? undefined : keySchemaOf(part.table);
  if (!keys) return undefined;
  for (const source of [part.item, part.key]) {
    if (keyValueBytes(source?.[keys.hash]) > MAX_HASH_KEY_BYTES) {
      return `${INVALID} Size of hashkey has exceeded the maximum size limit of ${MAX_HASH_KEY_BYTES} bytes`;
    }
    if (keys.range !== undefined && keyValueBytes(source?.[keys.range]) > MAX_RANGE_KEY_BYTES) {
      return `${INVALID} Aggregated size of all range keys has exceeded the size limit of ${MAX_RANGE_KEY_BYTES} bytes`;
    }
  }
  return undefined;
}

/** Tables whose key schema `keyTooLarge` needs: some top-level string or binary could be an oversized key. */
export function tablesNeedingKeySchema(parts: readonly RequestPart[]): string[] {
  const tables = new Set<string>();
  for (const part of parts) {
    const values = [...Object.values(part.item ?? {}), ...Object.values(part.key ?? {})];
    if (part.table !== undefined && values.some((value) => keyValueBytes(value) > MAX_RANGE_KEY_BYTES))
      tables.add(part.table);
  }
  return [...tables];
}

/**
 * AWS: an item is at most 400 KB, names and strings counted in UTF-8. dynalite counts UTF-16 code
 * units, so non-ASCII text up to about three times the limit is stored. (UpdateItem's resulting
 * size is not checked here: that needs the stored item.)
 */
export function itemTooLarge(part: RequestPart): string | undefined {
  if (part.item && itemBytes(part.item) > MAX_ITEM_BYTES) return 'Item size has exceeded the maximum allowed size';
  return undefined;
}

/** AWS: "The maximum length of any expression string is 4 KB." dynalite takes any length. */
export function expressionTooLong(part: RequestPart): string | undefined {
  for (const [parameter, text] of part.expressions) {
    const bytes = utf8Bytes(text);
    if (bytes > MAX_EXPRESSION_BYTES)
      return `Invalid ${parameter}: Expression size has exceeded the maximum allowed size; expression size: ${bytes}`;
  }
  return undefined;
}

/** The first refusal for already split request parts, or `undefined` when AWS would take them. */
export function checkRequestParts(
  parts: readonly RequestPart[],
  keySchemaOf: KeySchemaLookup = () => undefined,
): string | undefined {
  for (const part of parts) {
    const refusal =
      emptyAttributeName(part) ??
      attributeNameTooLong(part) ??
      nestedTooDeep(part) ??
      keyTooLarge(part, keySchemaOf) ??
      itemTooLarge(part) ??
      expressionTooLong(part);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * The AWS rules dynalite lacks, for one request: `operation` is the `X-Amz-Target` suffix
 * (`PutItem`), `body` the parsed JSON body. Returns the ValidationException message, or
 * `undefined` when AWS would accept what these rules look at.
 */
export function checkAwsRules(operation: string, body: unknown, keySchemaOf?: KeySchemaLookup): string | undefined {
  return checkRequestParts(requestParts(operation, body), keySchemaOf);
}
