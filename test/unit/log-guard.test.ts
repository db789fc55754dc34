import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../support/log-capture';
import { describeLeaks, findLeaks, type Needle, recordNeedles } from '../support/log-leaks';
import { raiseLogLevelToInfo } from '../support/log-level';

/**
 * The pieces of the log guard (test/support/log-guard.ts), so that it cannot pass because it sees
 * nothing: a planted value written by the real Powertools logger is caught.
 */
const employee = {
  id: '8Fj2kDq9Lm3nP4rS5tU6vW7x',
  first_name: 'Plantedine',
  last_name: 'Zyxwvuts',
  employment_status: 'INACTIVE',
  salary: 1234567,
  home_address: { city: 'Quellenstadt', street: 'Line "quoted" Street 1' },
  employments: [{ job_title: 'Principal Tester' }],
  remote_created_at: '2024-03-05T10:11:12.000Z',
};
const needles = recordNeedles(employee, 'a hris/employees record');

function logged(write: (logger: Logger) => void): string[] {
  const capture = captureLogs();
  try {
    write(new Logger({ serviceName: 'log-guard-test' }));
  } finally {
    capture.stop();
  }
  return capture.lines();
}

describe('the log guard', () => {
  it('catches a record value written by the Powertools logger, and shows the line without it', () => {
    const lines = logged((logger) => logger.error('record refused', { name: employee.first_name }));
    expect(lines.some((line) => line.includes('record refused'))).toBe(true);

    const leaks = findLeaks(lines, needles);
    expect(leaks).toHaveLength(1);
    expect(leaks[0]?.what).toEqual(['a value of a hris/employees record (field first_name)']);
    expect(leaks[0]?.line).not.toContain(employee.first_name);
    expect(describeLeaks(leaks, 'test/integration/x.test.ts')).not.toContain(employee.first_name);
  });

  it('catches nested values, numbers and values the JSON line escapes', () => {
    const lines = logged((logger) => {
      logger.warn('one', { record: employee.employments });
      logger.warn('two', { amount: employee.salary });
      logger.warn('three', { street: employee.home_address.street });
    });
    expect(findLeaks(lines, needles).map((leak) => leak.what)).toEqual([
      ['a value of a hris/employees record (field employments[].job_title)'],
      ['a value of a hris/employees record (field salary)'],
      ['a value of a hris/employees record (field home_address.street)'],
    ]);
  });

  it('catches secrets, API keys and signatures it is given', () => {
    const secrets: Needle[] = [
      { value: 'whsec_abcdef', what: 'a webhook secret' },
      { value: 'test-api-key', what: 'an API key' },
    ];
    const lines = logged((logger) => logger.warn('calling', { headers: { authorization: 'Bearer test-api-key' } }));
    expect(findLeaks(lines, secrets).map((leak) => leak.what)).toEqual([['an API key']]);
  });

  it('passes a line without confidential values: enum constants, short words and digits inside longer numbers', () => {
    const lines = logged((logger) =>
      logger.warn('integration is INACTIVE', { at: 991234567000, resource: 'hris/employees' }),
    );
    expect(lines).toHaveLength(1);
    expect(findLeaks(lines, [...needles, { value: '123456', what: 'a number' }])).toEqual([]);
  });

  it('captures the INFO lines it raised the level for, and keeps them off the terminal', () => {
    const terminal: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => terminal.push(chunk) > 0) as typeof process.stdout.write;
    const level = raiseLogLevelToInfo();
    try {
      const capture = captureLogs({ shown: level.shown });
      const logger = new Logger({ serviceName: 'log-guard-test' });
      level.restore();
      logger.info('an info line');
      console.log('plain output');
      capture.stop();
      expect(capture.lines().filter((line) => line.includes('an info line'))).toHaveLength(1);
    } finally {
      level.restore();
      process.stdout.write = write;
    }
    expect(terminal.some((text) => text.includes('an info line'))).toBe(false);
    expect(process.env.POWERTOOLS_LOG_LEVEL).toBe('WARN');
  });

  it('takes strings of 6 characters or more and numbers of 6 digits or more from a record', () => {
    expect(recordNeedles({ a: 'short', b: 'longer', c: 12345, d: 123456, e: true, f: null }, 'r')).toEqual([
      { value: 'longer', what: 'a value of r (field b)' },
      { value: '123456', what: 'a value of r (field d)' },
    ]);
  });

  it('leaves out instants (*_at fields) but keeps dates', () => {
    const record = {
      changed_at: '2026-11-29T20:42:35.123Z',
      nested: { remote_updated_at: '2026-11-29T20:42:35.124Z', times_at: ['2026-11-29T20:42:35.125Z'] },
      date_of_birth: '1985-04-12T00:00:00.000Z',
    };
    expect(recordNeedles(record, 'r')).toEqual([
      { value: '1985-04-12T00:00:00.000Z', what: 'a value of r (field date_of_birth)' },
    ]);
  });
});
