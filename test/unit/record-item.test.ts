import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toRecordItem } from '../../lambdas/core/sync/record-item';
import { employee } from '../support/engine-harness';

const options = { now: new Date('2026-11-27T12:00:00.000Z'), tombstoneTtlSeconds: 86_400 };
const item = (extra: Record<string, unknown>) =>
  toRecordItem('personio:p1', 'hris/employees', employee(1, undefined, extra), options);
const nested = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { level: nested(depth - 1, leaf) });

describe('toRecordItem: a record DynamoDB would refuse as a map is stored compressed, verbatim', () => {
  const refused: [string, Record<string, unknown>][] = [
    ['an empty attribute name at the top', { '': 'x' }],
    ['an empty attribute name at any depth', { custom_fields: nested(5, { '': 1 }) }],
    ['an empty attribute name inside a list', { items: [{ ok: 1 }, { '': 2 }] }],
    ['an attribute name over 64 KB', { ['k'.repeat(65_536)]: 1 }],
    ['nesting deeper than DynamoDB allows', { deep: nested(40, 1) }],
    ['an integer beyond 2^53', { big: 2 ** 60 }],
    ['a number outside DynamoDB range', { tiny: 1e-200 }],
    ['a lone UTF-16 surrogate in a value', { text: 'a\ud800b' }],
    ['a lone UTF-16 surrogate in a name', { ['a\udc00']: 1 }],
  ];
  for (const [name, extra] of refused) {
    it(name, () => {
      const stored = item(extra);
      expect(stored.data_encoding).toBe('gzip');
      expect(JSON.parse(gunzipSync(stored.data_gzip as Uint8Array).toString('utf8'))).toEqual(
        employee(1, undefined, extra),
      );
    });
  }

  it('keeps an ordinary record (with an empty string value, which DynamoDB takes) as a map', () => {
    expect(item({ note: '', tags: [], nested: nested(20, { a: 1 }) }).data_encoding).toBe('map');
  });

  it('steps down on request, for a refusal no rule foresaw', () => {
    const record = employee(1);
    expect(toRecordItem('personio:p1', 'hris/employees', record, options, 'gzip').data_encoding).toBe('gzip');
    const omitted = toRecordItem('personio:p1', 'hris/employees', record, options, 'omitted');
    expect(omitted).toMatchObject({ data_encoding: 'omitted', data_bytes: JSON.stringify(record).length });
    expect(omitted).not.toHaveProperty('data');
  });
});
