import { describe, expect, it } from 'vitest';
import {
  classifyErrorResponse,
  isRetryableResponse,
  KomboCursorRejectedError,
  KomboIntegrationUnavailableError,
  KomboPaginationError,
  KomboPermanentError,
  KomboResourceUnavailableError,
  KomboSetupPendingError,
  KomboUnavailableError,
} from '../../lambdas/core/kombo/errors';
import { decideFailure } from '../../lambdas/core/sync/failure-policy';

describe('decideFailure: what a walk does about the failure that stopped it', () => {
  const table: [string, unknown, number, ReturnType<typeof decideFailure>][] = [
    [
      'integration unavailable',
      new KomboIntegrationUnavailableError('inactive', 'INTEGRATION.INACTIVE', 403),
      0,
      { action: 'block-integration' },
    ],
    [
      'setup sync pending',
      new KomboSetupPendingError('pending', 'INTEGRATION.SETUP_SYNC_PENDING', 409),
      3,
      { action: 'skip', reason: 'integration-setup-pending' },
    ],
    [
      'resource unavailable',
      new KomboResourceUnavailableError('no', 'INTEGRATION.MODEL_NOT_AVAILABLE', 403),
      0,
      { action: 'skip', reason: 'resource-unavailable' },
    ],
    ['permanent 4xx', new KomboPermanentError('bad', 'PLATFORM.INPUT_INVALID', 400), 2, { action: 'permanent' }],
    ['pagination loop', new KomboPaginationError('loop'), 0, { action: 'permanent' }],
    ['Kombo unavailable, nothing done', new KomboUnavailableError('503', null, 503), 0, { action: 'retry' }],
    ['Kombo unavailable after a page', new KomboUnavailableError('503', null, 503), 1, { action: 'continue-later' }],
    [
      'a DynamoDB outage after a page',
      Object.assign(new Error('down'), { name: 'InternalServerError' }),
      1,
      { action: 'continue-later' },
    ],
    [
      'a DynamoDB outage before any page',
      Object.assign(new Error('down'), { name: 'InternalServerError' }),
      0,
      { action: 'retry' },
    ],
  ];
  for (const [name, error, pages, decision] of table) {
    it(name, () => expect(decideFailure(error, pages)).toEqual(decision));
  }
});

describe('rejected cursors are recognised by code, not by status', () => {
  it('PLATFORM.INPUT_INVALID to a request with a cursor is a rejected cursor whatever the status', () => {
    for (const status of [400, 404, 409, 422]) {
      expect(
        classifyErrorResponse(status, 'PLATFORM.INPUT_INVALID', 'bad cursor', true),
        String(status),
      ).toBeInstanceOf(KomboCursorRejectedError);
    }
    expect(isRetryableResponse(500, 'PLATFORM.INPUT_INVALID')).toBe(false);
  });

  it('the same code without a cursor is a permanent error; a code-less 400 with a cursor stays a rejected cursor', () => {
    expect(classifyErrorResponse(422, 'PLATFORM.INPUT_INVALID', 'bad filter', false)).toBeInstanceOf(
      KomboPermanentError,
    );
    expect(classifyErrorResponse(400, null, 'bad', true)).toBeInstanceOf(KomboCursorRejectedError);
    expect(classifyErrorResponse(403, null, 'forbidden', true)).toBeInstanceOf(KomboPermanentError);
  });
});
