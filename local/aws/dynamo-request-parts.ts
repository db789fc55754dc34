/**
 * Splits a DynamoDB JSON-protocol request body into the parts the AWS-rules layer checks and logs:
 * for each table touched, the item written, the key addressed, the expressions and their
 * substitutions. Bodies come straight off the wire, so nothing here trusts their shape.
 */

/** An AttributeValue as sent on the wire: one type tag, e.g. `{ "S": "x" }` or `{ "M": { ... } }`. */
export type WireValue = { readonly [tag: string]: unknown };
/** A map of attribute name to AttributeValue (an item, a key, ExpressionAttributeValues). */
export type WireItem = { readonly [name: string]: unknown };

export interface RequestPart {
  readonly table: string | undefined;
  /** A whole item to be stored: PutItem, BatchWriteItem PutRequest, TransactWriteItems Put. */
  readonly item?: WireItem;
  /** A primary key: GetItem, DeleteItem, UpdateItem, the keys of batch and transaction members. */
  readonly key?: WireItem;
  /** Expression parameters by name (`ConditionExpression`, `UpdateExpression`, ...). */
  readonly expressions: ReadonlyArray<readonly [parameter: string, text: string]>;
  readonly expressionValues?: WireItem;
  readonly expressionNames?: WireItem;
  /** Legacy `AttributeUpdates` of UpdateItem, as attribute name to new value. */
  readonly attributeUpdates?: WireItem;
}

const EXPRESSION_PARAMETERS = [
  'ConditionExpression',
  'UpdateExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
];

export function isObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const objectOrUndefined = (value: unknown) => (isObject(value) ? value : undefined);
const stringOrUndefined = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** One single-item request shape (PutItem, a transaction's Update, ...), read from `source`. */
function part(
  table: unknown,
  source: { readonly [key: string]: unknown },
  fields: { item?: boolean; key?: boolean },
): RequestPart {
  const expressions: Array<readonly [string, string]> = [];
  for (const parameter of EXPRESSION_PARAMETERS) {
    const text = source[parameter];
    if (typeof text === 'string') expressions.push([parameter, text]);
  }
  const updates = objectOrUndefined(source.AttributeUpdates);
  return {
    table: stringOrUndefined(table),
    ...(fields.item ? { item: objectOrUndefined(source.Item) } : {}),
    ...(fields.key ? { key: objectOrUndefined(source.Key) } : {}),
    expressions,
    expressionValues: objectOrUndefined(source.ExpressionAttributeValues),
    expressionNames: objectOrUndefined(source.ExpressionAttributeNames),
    ...(updates
      ? {
          attributeUpdates: Object.fromEntries(
            Object.entries(updates).map(([name, update]) => [name, objectOrUndefined(update)?.Value]),
          ),
        }
      : {}),
  };
}

function batchWriteParts(body: { readonly [key: string]: unknown }): RequestPart[] {
  const parts: RequestPart[] = [];
  for (const [table, requests] of Object.entries(objectOrUndefined(body.RequestItems) ?? {})) {
    if (!Array.isArray(requests)) continue;
    for (const request of requests) {
      const put = objectOrUndefined(objectOrUndefined(request)?.PutRequest);
      const del = objectOrUndefined(objectOrUndefined(request)?.DeleteRequest);
      if (put) parts.push(part(table, put, { item: true }));
      if (del) parts.push(part(table, del, { key: true }));
    }
  }
  return parts;
}

function batchGetParts(body: { readonly [key: string]: unknown }): RequestPart[] {
  const parts: RequestPart[] = [];
  for (const [table, request] of Object.entries(objectOrUndefined(body.RequestItems) ?? {})) {
    const spec = objectOrUndefined(request);
    if (!spec) continue;
    const keys = Array.isArray(spec.Keys) ? spec.Keys : [];
    // The projection and its names are per table; they ride on every key's part.
    for (const key of keys) parts.push(part(table, { ...spec, Key: key }, { key: true }));
    if (keys.length === 0) parts.push(part(table, spec, {}));
  }
  return parts;
}

function transactionParts(body: { readonly [key: string]: unknown }): RequestPart[] {
  const parts: RequestPart[] = [];
  for (const member of Array.isArray(body.TransactItems) ? body.TransactItems : []) {
    for (const [action, spec] of Object.entries(objectOrUndefined(member) ?? {})) {
      const source = objectOrUndefined(spec);
      if (!source) continue;
      parts.push(part(source.TableName, source, action === 'Put' ? { item: true } : { key: true }));
    }
  }
  return parts;
}

/** The parts of a request to `operation` (the `X-Amz-Target` suffix, e.g. `PutItem`). */
export function requestParts(operation: string, body: unknown): RequestPart[] {
  if (!isObject(body)) return [];
  switch (operation) {
    case 'PutItem':
      return [part(body.TableName, body, { item: true })];
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [part(body.TableName, body, { key: true })];
    case 'BatchWriteItem':
      return batchWriteParts(body);
    case 'BatchGetItem':
      return batchGetParts(body);
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return transactionParts(body);
    default:
      // Query, Scan and the control plane: expressions (if any) and the table name.
      return [part(body.TableName, body, {})];
  }
}
