import { createHmac } from 'node:crypto';
import fc from 'fast-check';

/**
 * Ways to send the HMAC of a body in `X-Kombo-Signature`. Kombo's is base64url without padding; every
 * other spelling of the same MAC is a different header value, and only surrounding whitespace (which
 * HTTP itself may add or strip) is forgiven.
 */
export const SIGNATURE_SPELLINGS = [
  'kombo',
  'kombo-with-whitespace',
  'padded',
  'base64',
  'hex',
  'hex-upper',
  'upper',
  'lower',
  'inner-space',
  'truncated',
  'doubled',
  'comma-joined-twice',
  'comma-joined-after-garbage',
  'comma-joined-before-garbage',
  'empty',
  'whitespace',
] as const;
export type SignatureSpelling = (typeof SIGNATURE_SPELLINGS)[number];

/** The MAC Kombo computes, independently of the code under test. */
export const macOf = (bytes: Uint8Array, secret: string): Buffer => createHmac('sha256', secret).update(bytes).digest();

/** Kombo's own header value for these bytes. */
export const kombosHeader = (bytes: Uint8Array, secret: string): string => macOf(bytes, secret).toString('base64url');

export function spell(mac: Buffer, spelling: SignatureSpelling): string {
  const kombo = mac.toString('base64url');
  switch (spelling) {
    case 'kombo':
      return kombo;
    case 'kombo-with-whitespace':
      return ` \t${kombo} `;
    case 'padded':
      return `${kombo}=`;
    case 'base64':
      return mac.toString('base64');
    case 'hex':
      return mac.toString('hex');
    case 'hex-upper':
      return mac.toString('hex').toUpperCase();
    case 'upper':
      return kombo.toUpperCase();
    case 'lower':
      return kombo.toLowerCase();
    case 'inner-space':
      return `${kombo.slice(0, 20)} ${kombo.slice(20)}`;
    case 'truncated':
      return kombo.slice(0, -1);
    case 'doubled':
      return kombo + kombo;
    // API Gateway joins a repeated header into one value with commas.
    case 'comma-joined-twice':
      return `${kombo},${kombo}`;
    case 'comma-joined-after-garbage':
      return `garbage,${kombo}`;
    case 'comma-joined-before-garbage':
      return `${kombo},garbage`;
    case 'empty':
      return '';
    case 'whitespace':
      return ' \t ';
  }
}

export const signatureSpelling = fc.constantFrom(...SIGNATURE_SPELLINGS);

/** How a client may capitalise the header's name; API Gateway lower-cases it, other callers may not. */
export const signatureHeaderName = fc.constantFrom(
  'x-kombo-signature',
  'X-Kombo-Signature',
  'X-KOMBO-SIGNATURE',
  'x-Kombo-signature',
);

/** The oracle: some header named X-Kombo-Signature (any case) holds Kombo's MAC of `bytes` under a secret. */
export function carriesValidSignature(
  headers: Record<string, string | undefined>,
  bytes: Uint8Array,
  secrets: readonly string[],
): boolean {
  const expected = new Set(secrets.map((secret) => kombosHeader(bytes, secret)));
  return Object.entries(headers).some(
    ([name, value]) => name.toLowerCase() === 'x-kombo-signature' && value !== undefined && expected.has(value.trim()),
  );
}
