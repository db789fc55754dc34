import { errorMessage } from '../lambdas/core/describe';
import { KomboError } from '../lambdas/core/kombo/errors';

/** An expected failure, said in one line: what is wrong and what to do. No stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

/** The exit codes: a finding (drift, not ready) is 1, a failure to run the command at all is 2. */
export const EXIT = { ok: 0, finding: 1, error: 2 } as const;

/**
 * The one line an error becomes. The AWS SDK's and Kombo's expected failures are named for an operator;
 * anything else is unexpected, and its stack is shown only when KOMBO_SYNC_DEBUG is set.
 */
export function describeFailure(error: unknown): { line: string; expected: boolean } {
  if (error instanceof CliError) return { line: error.message, expected: true };
  if (error instanceof KomboError) {
    return { line: `Kombo refused: ${error.message}${error.code ? ` (${error.code})` : ''}`, expected: true };
  }
  const name = error instanceof Error ? error.name : '';
  const message = errorMessage(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      line: 'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use --local',
      expected: true,
    };
  }
  if (/Region is missing/i.test(message)) {
    return { line: 'no AWS region: pass --region or set AWS_REGION', expected: true };
  }
  if (['ExpiredTokenException', 'ExpiredToken', 'UnrecognizedClientException', 'InvalidClientTokenId'].includes(name)) {
    return { line: `AWS refused the credentials (${name}): refresh them (e.g. aws sso login)`, expected: true };
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return { line: `AWS denied access: ${message}`, expected: true };
  }
  if (/ECONNREFUSED|fetch failed|socket hang up/.test(message)) {
    return { line: `nothing answers: ${message} (is \`npm start\` still running?)`, expected: true };
  }
  return { line: `unexpected error: ${message}`, expected: false };
}
