/**
 * Moving a weekly EventBridge Scheduler cron expression later by some minutes, for the slots of a
 * spread full sync (lib/weekly-full-sync.ts). Only the form `cron(M H ? * DAYS *)` can be moved
 * field by field: with ranges, steps or `L`/`#` in it, later by n minutes is no longer one cron.
 */
export interface WeeklyCron {
  readonly minute: number;
  readonly hour: number;
  /** Day names (SUN..SAT) or numbers (1..7, 1 = Sunday) as written, or `*` for every day. */
  readonly days: readonly string[] | '*';
}

export const WEEKLY_CRON_FORM = 'cron(M H ? * DAYS *)';

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const WEEKLY = /^cron\((\d{1,2}) (\d{1,2}) \? \* ([^ ]+) \*\)$/;
const DAY = /^(SUN|MON|TUE|WED|THU|FRI|SAT|[1-7])$/;

/** The expression's fields if it has the form `cron(M H ? * DAYS *)`, else undefined. */
export function parseWeeklyCron(expression: string): WeeklyCron | undefined {
  const match = WEEKLY.exec(expression.trim());
  if (!match) return undefined;
  const [, minuteText = '', hourText = '', daysText = ''] = match;
  const minute = Number(minuteText);
  const hour = Number(hourText);
  if (minute > 59 || hour > 23) return undefined;
  if (daysText === '*') return { minute, hour, days: '*' };
  const days = daysText.split(',').map((day) => day.toUpperCase());
  return days.every((day) => DAY.test(day)) ? { minute, hour, days } : undefined;
}

/** The cron `minutes` later: minutes carry into hours, hours into the next day, and the days move with them. */
export function shiftWeeklyCron(cron: WeeklyCron, minutes: number): string {
  const total = cron.hour * 60 + cron.minute + minutes;
  const dayShift = Math.floor(total / 1440);
  const minuteOfDay = total % 1440;
  const days = cron.days === '*' ? '*' : cron.days.map((day) => shiftDay(day, dayShift)).join(',');
  return `cron(${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} ? * ${days} *)`;
}

function shiftDay(day: string, shift: number): string {
  const number = Number(day);
  if (Number.isInteger(number)) return String(((number - 1 + shift) % 7) + 1);
  const index = DAY_NAMES.indexOf(day as (typeof DAY_NAMES)[number]);
  return DAY_NAMES[(index + shift) % 7] as string;
}
