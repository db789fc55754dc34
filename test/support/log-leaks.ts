/**
 * Finds confidential values (secrets, API keys, signatures, record data) in log lines. The log guard
 * (log-guard.ts) runs it over every line a test file wrote; unit tests call it directly.
 */
export interface Needle {
  readonly value: string;
  /** What the value is, for the report; never the value itself. */
  readonly what: string;
}

export interface Leak {
  /** The line with every confidential value in it replaced by what it is. */
  readonly line: string;
  readonly what: readonly string[];
}

/**
 * Shorter values are left out: too many harmless words of that size (a resource name, a status) would
 * match by chance, and no secret or personal value of the fake is that short.
 */
const MIN_NEEDLE_LENGTH = 6;
const SHOWN_LINE_LENGTH = 600;

/**
 * The values of a record that no log line may carry: every string of at least MIN_NEEDLE_LENGTH
 * characters and every number of at least 6 digits, at any depth. Two kinds are left out, because
 * they name nobody and log lines carry equal values of their own:
 * - enum constants (`FULL_TIME`, `INACTIVE`): an integration's state is logged with the same words;
 * - instants, Kombo's `*_at` fields (`changed_at`, `remote_updated_at`): the fake stamps them with
 *   its clock, so they equal, to the millisecond, a log line's timestamp or a run id made at once.
 *   Dates (`date_of_birth`, `start_date`) stay.
 */
export function recordNeedles(record: unknown, where: string): Needle[] {
  const needles: Needle[] = [];
  const visit = (value: unknown, path: string): void => {
    if (INSTANT_FIELD.test(path)) return;
    if (typeof value === 'string') {
      if (value.length >= MIN_NEEDLE_LENGTH && !ENUM_CONSTANT.test(value)) needles.push({ value, what: field(path) });
    } else if (typeof value === 'number') {
      const text = String(value);
      if (text.replace(/\D/g, '').length >= 6) needles.push({ value: text, what: field(path) });
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, `${path}[]`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, path === '' ? key : `${path}.${key}`);
    }
  };
  const field = (path: string) => `a value of ${where} (field ${path})`;
  visit(record, '');
  return needles;
}

const ENUM_CONSTANT = /^[A-Z][A-Z0-9_]*$/;
/** A path whose last field name ends in `_at` (an array's items share their field's name). */
const INSTANT_FIELD = /_at(\[\])*$/;

/** Every line that contains a needle, redacted. */
export function findLeaks(lines: readonly string[], needles: readonly Needle[]): Leak[] {
  const index = indexNeedles(needles);
  const leaks: Leak[] = [];
  for (const line of lines) {
    const found = new Map<string, string>();
    for (let at = 0; at + MIN_NEEDLE_LENGTH <= line.length; at++) {
      for (const needle of index.get(line.slice(at, at + MIN_NEEDLE_LENGTH)) ?? []) {
        if (line.startsWith(needle.value, at) && standsAlone(line, at, needle.value))
          found.set(needle.value, needle.what);
      }
    }
    if (found.size > 0) leaks.push({ line: redact(line, found), what: [...new Set(found.values())] });
  }
  return leaks;
}

export function describeLeaks(leaks: readonly Leak[], file: string): string {
  const shown = leaks.slice(0, 10).map((leak) => `- ${leak.what.join('; ')}\n  in: ${leak.line}`);
  const more = leaks.length > shown.length ? [`… and ${leaks.length - shown.length} more line(s)`] : [];
  return [`${leaks.length} log line(s) of ${file} carry confidential values:`, ...shown, ...more].join('\n');
}

/** By its first characters; each value also in its JSON-escaped form, the one a JSON log line holds. */
function indexNeedles(needles: readonly Needle[]): Map<string, Needle[]> {
  const index = new Map<string, Needle[]>();
  for (const needle of needles) {
    const escaped = JSON.stringify(needle.value).slice(1, -1);
    const forms = escaped === needle.value ? [needle] : [needle, { value: escaped, what: needle.what }];
    for (const form of forms) {
      if (form.value.length < MIN_NEEDLE_LENGTH) continue;
      const key = form.value.slice(0, MIN_NEEDLE_LENGTH);
      index.set(key, [...(index.get(key) ?? []), form]);
    }
  }
  return index;
}

/** A value that begins or ends with a digit is a number only where no digit continues it (`123456` is not in an epoch time). */
function standsAlone(line: string, at: number, value: string): boolean {
  const digit = /\d/;
  const before = at > 0 ? line.charAt(at - 1) : '';
  const after = line.charAt(at + value.length);
  return (
    !(digit.test(value.charAt(0)) && digit.test(before)) &&
    !(digit.test(value.charAt(value.length - 1)) && digit.test(after))
  );
}

function redact(line: string, found: ReadonlyMap<string, string>): string {
  let redacted = line;
  // Longest first, so a value that contains another is replaced whole.
  for (const value of [...found.keys()].sort((a, b) => b.length - a.length)) {
    redacted = redacted.split(value).join(`[${found.get(value)}]`);
  }
  return redacted.length > SHOWN_LINE_LENGTH ? `${redacted.slice(0, SHOWN_LINE_LENGTH)}…` : redacted;
}
