import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';

/**
 * What Lambda does with an asynchronous invocation (the schedule's, for the full-sync function): the
 * handler is tried once and retried `retryAttempts` times; when every try failed, Lambda sends an
 * invocation record to the on-failure destination. For local runs and tests.
 */
export async function invokeAsync(
  handler: (event: unknown, context: Context) => Promise<unknown>,
  event: unknown,
  options: { functionName: string; retryAttempts: number; sqs: SQSClient; onFailureQueueUrl: string },
): Promise<{ succeeded: boolean; attempts: number }> {
  let lastError: unknown;
  const attempts = options.retryAttempts + 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const context = {
      functionName: options.functionName,
      awsRequestId: `local-async-${Date.now()}-${attempt}`,
      getRemainingTimeInMillis: () => 300_000,
    } as Context;
    try {
      await handler(event, context);
      return { succeeded: true, attempts: attempt };
    } catch (error) {
      lastError = error;
    }
  }
  // The record Lambda sends to an SQS destination (its documented shape).
  const record = {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: `local-async-${Date.now()}`,
      functionArn: `arn:aws:lambda:local:000000000000:function:${options.functionName}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: attempts,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: lastError instanceof Error ? lastError.name : 'Error',
      errorMessage: lastError instanceof Error ? lastError.message : String(lastError),
    },
  };
  await options.sqs.send(
    new SendMessageCommand({ QueueUrl: options.onFailureQueueUrl, MessageBody: JSON.stringify(record) }),
  );
  return { succeeded: false, attempts };
}
