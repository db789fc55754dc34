import { isObject, type RequestPart } from './dynamo-request-parts';

/** What a request touches, for the request log and for matching injected faults. */
export interface RequestSummary {
  readonly operation: string;
  /** Tables in the order the request names them (several for a batch or a transaction). */
  readonly tables: readonly string[];
  /** String values of the partition-key attribute, in request order, without repeats. */
  readonly partitionKeys: readonly string[];
}

/**
 * `pk = :v` (or `#n = :v`) in a KeyConditionExpression: the partition a Query reads. The key
 * condition grammar allows only `=` on the partition key, so this one form is enough.
 */
const KEY_EQUALS = /(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g;

function queriedPartitions(part: RequestPart, partitionKeyName: string): string[] {
  const condition = part.expressions.find(([parameter]) => parameter === 'KeyConditionExpression')?.[1];
  if (!condition) return [];
  const found: string[] = [];
  for (const [, operand, placeholder] of condition.matchAll(KEY_EQUALS)) {
    const name = operand?.startsWith('#') ? part.expressionNames?.[operand] : operand;
    const value = placeholder ? part.expressionValues?.[placeholder] : undefined;
    if (name === partitionKeyName && isObject(value) && typeof value.S === 'string') found.push(value.S);
  }
  return found;
}

function partPartitions(part: RequestPart, partitionKeyName: string): string[] {
  const fromKey = (source: RequestPart['item']) => {
    const value = source?.[partitionKeyName];
    return isObject(value) && typeof value.S === 'string' ? [value.S] : [];
  };
  return [...fromKey(part.item), ...fromKey(part.key), ...queriedPartitions(part, partitionKeyName)];
}

export function summariseRequest(
  operation: string,
  parts: readonly RequestPart[],
  partitionKeyName: string,
): RequestSummary {
  const tables = new Set<string>();
  const partitionKeys = new Set<string>();
  for (const part of parts) {
    if (part.table !== undefined) tables.add(part.table);
    for (const key of partPartitions(part, partitionKeyName)) partitionKeys.add(key);
  }
  return { operation, tables: [...tables], partitionKeys: [...partitionKeys] };
}
