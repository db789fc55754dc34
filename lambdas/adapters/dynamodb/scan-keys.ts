/** A DynamoDB LastEvaluatedKey as an opaque string a checkpoint can hold, and back. */
export function encodeKey(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

export function decodeKey(key: string | undefined): Record<string, unknown> | undefined {
  return key ? (JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
}
