import { isObject, type WireItem } from './dynamo-request-parts';

/**
 * DynamoDB's item size, counted as AWS documents it ("Item sizes and formats"): names and strings
 * in UTF-8 bytes, binaries in raw bytes, numbers by significant digits, 3 bytes of overhead per map
 * or list plus 1 per element. The structural arithmetic follows dynalite's own `itemSize` so the
 * two disagree only where dynalite is wrong: it counts strings and names in UTF-16 code units, so
 * an item of 250,000 `é` (500,000 bytes) passes its 400 KB check.
 */
export const MAX_ITEM_BYTES = 400 * 1024;

export const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const base64Bytes = (text: string) => Buffer.from(text, 'base64').length;

/** Significant digits of a DynamoDB number string (`-0012.3400e5` has 4). */
function significantDigits(number: string): number {
  const mantissa = number.replace(/^[+-]/, '').split(/e/i)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.max(digits.length, 1);
}

function numberBytes(number: string): number {
  return 1 + Math.ceil(significantDigits(number) / 2) + (number.startsWith('-') ? 1 : 0);
}

const sum = (values: readonly unknown[], size: (value: unknown) => number) =>
  values.reduce<number>((total, value) => total + size(value), 0);
const asString = (value: unknown) => (typeof value === 'string' ? value : '');

export function valueBytes(value: unknown): number {
  if (!isObject(value)) return 0;
  const [tag, content] = Object.entries(value)[0] ?? [];
  switch (tag) {
    case 'S':
      return utf8Bytes(asString(content));
    case 'B':
      return base64Bytes(asString(content));
    case 'N':
      return numberBytes(asString(content));
    case 'SS':
      return Array.isArray(content) ? sum(content, (text) => utf8Bytes(asString(text))) : 0;
    case 'BS':
      return Array.isArray(content) ? sum(content, (text) => base64Bytes(asString(text))) : 0;
    case 'NS':
      return Array.isArray(content) ? sum(content, (text) => numberBytes(asString(text))) : 0;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'L':
      return Array.isArray(content) ? 3 + sum(content, (element) => 1 + valueBytes(element)) : 0;
    case 'M':
      return isObject(content) ? 3 + Object.keys(content).length + itemBytes(content) : 0;
    default:
      return 0;
  }
}

export function itemBytes(item: WireItem): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += utf8Bytes(name) + valueBytes(value);
  return total;
}
