import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/**
 * Error answers shaped like DynamoDB's (JSON 1.0 protocol): the SDK reads the error name from
 * `__type` (after the `#`) and the `x-amzn-errortype` header, so these throw the same
 * exception classes, with the same retry behaviour, as the real service.
 */
export interface ErrorAnswer {
  readonly status: number;
  /** The short name, e.g. `ValidationException`. */
  readonly errorType: string;
  readonly body: string;
}

/** The namespaces AWS puts in `__type`; DynamoDB's own errors use the service's model namespace. */
const NAMESPACES: Readonly<Record<string, string>> = {
  ValidationException: 'com.amazon.coral.validate',
  AccessDeniedException: 'com.amazon.coral.service',
  UnrecognizedClientException: 'com.amazon.coral.service',
  ThrottlingException: 'com.amazon.coral.availability',
};
const DYNAMODB_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

/** `errorType` may be a short name (`AccessDeniedException`) or a full `namespace#Name`. */
export function errorAnswer(errorType: string, status: number, message: string): ErrorAnswer {
  const [namespace, name] = errorType.includes('#')
    ? (errorType.split('#', 2) as [string, string])
    : [NAMESPACES[errorType] ?? DYNAMODB_NAMESPACE, errorType];
  return { status, errorType: name, body: JSON.stringify({ __type: `${namespace}#${name}`, message }) };
}

export const validationError = (message: string) => errorAnswer('ValidationException', 400, message);

/** AWS's answer when a table or partition is over its throughput; the SDK retries it as a throttle. */
export const throughputExceeded = () =>
  errorAnswer(
    'ProvisionedThroughputExceededException',
    400,
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  );

export function sendErrorAnswer(response: ServerResponse, answer: ErrorAnswer): void {
  const body = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': body.length,
    'x-amzn-errortype': answer.errorType,
    'x-amzn-requestid': randomUUID(),
    // DynamoDB sends the CRC32 of every body; some clients check it.
    'x-amz-crc32': String(crc32(body)),
  });
  response.end(body);
}
