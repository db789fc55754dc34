/**
 * The `unknownIds` switch: what a list filtered by `ids` answers when the integration's resource
 * has no record with some of them. "Known" means stored, soft-deleted included (Kombo still has
 * those and returns them with `include_deleted=true`); a vanished record is unknown, which is the
 * case a sync's sweep runs into when it asks by id for records it no longer sees.
 */
import { type ApiError, apiError, plainError } from './api-errors';
import { FakeKomboUsageError } from './store';
import type { UnknownIdsAnswer } from './types';

export const UNKNOWN_IDS_ANSWERS: readonly UnknownIdsAnswer[] = ['omit', 'not-found', 'input-invalid'];

/** Guards the programmatic API against values TypeScript cannot see (plain JS, casts, JSON). */
export function assertUnknownIdsAnswer(value: unknown): UnknownIdsAnswer {
  const answer = UNKNOWN_IDS_ANSWERS.find((candidate) => candidate === value);
  if (answer === undefined) {
    throw new FakeKomboUsageError(
      `unknownIds must be one of ${UNKNOWN_IDS_ANSWERS.join(', ')}, got ${JSON.stringify(value)}`,
      'invalid',
    );
  }
  return answer;
}

/**
 * The error for `unknownCount` unknown ids out of `requestedCount`, or null when the request
 * proceeds. The message gives counts, not the ids: the older docs promise no list of them, so a
 * client must not come to rely on one.
 */
export function unknownIdsError(
  answer: UnknownIdsAnswer,
  unknownCount: number,
  requestedCount: number,
): ApiError | null {
  if (unknownCount === 0) return null;
  const message = `${unknownCount} of the ${requestedCount} ids in the "ids" filter ${unknownCount === 1 ? 'is' : 'are'} unknown.`;
  switch (answer) {
    case 'omit':
      return null;
    case 'not-found':
      // Code null: Kombo's code enum has no generic not-found code, and INTEGRATION_NOT_FOUND
      // would tell the client its integration is gone.
      return plainError(404, message);
    case 'input-invalid':
      return apiError('PLATFORM.INPUT_INVALID', message);
  }
}
