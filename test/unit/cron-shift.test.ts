import { describe, expect, it } from 'vitest';
import { parseWeeklyCron, shiftWeeklyCron } from '../../lib/cron-shift';

const shifted = (expression: string, minutes: number) => {
  const cron = parseWeeklyCron(expression);
  if (!cron) throw new Error(`${expression} did not parse`);
  return shiftWeeklyCron(cron, minutes);
};

describe('shifting a weekly cron', () => {
  it('adds minutes, carrying into hours', () => {
    expect(shifted('cron(0 2 ? * SUN *)', 0)).toBe('cron(0 2 ? * SUN *)');
    expect(shifted('cron(0 2 ? * SUN *)', 15)).toBe('cron(15 2 ? * SUN *)');
    expect(shifted('cron(50 2 ? * SUN *)', 25)).toBe('cron(15 3 ? * SUN *)');
    expect(shifted('cron(0 2 ? * SUN *)', 225)).toBe('cron(45 5 ? * SUN *)');
  });

  it('carries hours into the next day, moving day names and numbers round the week; * stays', () => {
    expect(shifted('cron(30 23 ? * SAT *)', 30)).toBe('cron(0 0 ? * SUN *)');
    expect(shifted('cron(30 23 ? * FRI,SAT *)', 60)).toBe('cron(30 0 ? * SAT,SUN *)');
    expect(shifted('cron(30 23 ? * 1,7 *)', 60)).toBe('cron(30 0 ? * 2,1 *)');
    expect(shifted('cron(0 22 ? * * *)', 180)).toBe('cron(0 1 ? * * *)');
    expect(shifted('cron(0 0 ? * MON *)', 3 * 1440 + 5)).toBe('cron(5 0 ? * THU *)');
    expect(shifted('cron(0 2 ? * sun *)', 1440)).toBe('cron(0 2 ? * MON *)');
  });

  it('understands only cron(M H ? * DAYS *) with whole minute and hour and a list of days', () => {
    for (const expression of [
      'cron(0/15 2 ? * SUN *)',
      'cron(0 2-4 ? * SUN *)',
      'cron(0 2 ? * MON-FRI *)',
      'cron(0 2 ? * 6L *)',
      'cron(0 2 ? * 2#1 *)',
      'cron(0 2 1 * ? *)',
      'cron(0 2 ? * SUN 2027)',
      'cron(60 2 ? * SUN *)',
      'cron(0 24 ? * SUN *)',
      'cron(0 2 ? * 8 *)',
      'rate(7 days)',
    ])
      expect(parseWeeklyCron(expression), expression).toBeUndefined();
    expect(parseWeeklyCron('cron(5 3 ? * MON,4 *)')).toEqual({ minute: 5, hour: 3, days: ['MON', '4'] });
  });
});
