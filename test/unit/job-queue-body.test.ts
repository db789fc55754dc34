import { describe, expect, it } from 'vitest';
import { messageBody } from '../../lambdas/adapters/sqs/job-queue';

describe('a job message body', () => {
  it('escapes the two characters SQS refuses and JSON leaves alone, and reads back the same', () => {
    const job = { v: 1, kind: 'delta', integrationId: 'personio:\uFFFE\uFFFF', resource: 'hris/employees' };
    const body = messageBody(job);
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(body).toContain('\\ufffe\\uffff');
    expect(JSON.parse(body)).toEqual(job);
  });
});
