import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { CliError } from '../errors';

/**
 * Invokes the stack's full-sync function, the one way the README documents for on-demand full syncs and bulk
 * registration: synchronously for an answer, or asynchronously (`event`) as the weekly schedule does, so a
 * redriven failure gets Lambda's retries and on-failure queue again.
 */
export async function invokeFullSync(
  lambda: LambdaClient,
  functionName: string,
  payload: unknown,
  mode: 'answer' | 'event' = 'answer',
): Promise<unknown> {
  let response: InvokeCommandOutput;
  try {
    response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: mode === 'event' ? 'Event' : 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new CliError(`the full-sync function ${functionName} does not exist`);
    }
    throw error;
  }
  if (mode === 'event') return undefined;
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : 'null';
  const answer = text ? (JSON.parse(text) as unknown) : null;
  if (response.FunctionError) {
    const message = (answer as { errorMessage?: unknown } | null)?.errorMessage;
    throw new CliError(`the full-sync function failed: ${typeof message === 'string' ? message : text}`);
  }
  return answer;
}
