import { describe, expect, it } from 'vitest';
import { computeSignature, isValidSignature } from '../../lambdas/core/ingest/signature';

// Literal vectors: HMAC-SHA256, base64url without padding, computed once outside this code.
const VECTORS = [
  {
    body: '{"id":"evt_1","type":"data-changed"}',
    secret: 'whsec_test_1',
    signature: 'DmpUOBQLhcKAC7f3wiKXl5kMPh6SprOqMhJs-qBJ6t0',
  },
  { body: 'hello', secret: 'k', signature: 'QG5LQ_hwlaqGymKZ0l6HWSH--hgPAgQ7spvsVoHAwtA' },
  { body: '', secret: 'secret', signature: '-eZuF5tnR65UEI-C-K3os8Jddv0wr95sOVgixTAZYWk' },
  { body: '{"a":"ü€"}', secret: 'rotated-secret-2', signature: 'ubCRHB3a7sbcJkHJoFa5uzfsv3ffluCOiVALQjYTcAs' },
];

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('X-Kombo-Signature', () => {
  it.each(VECTORS)('matches the literal vector for body $body', ({ body, secret, signature }) => {
    expect(computeSignature(bytes(body), secret)).toBe(signature);
    expect(isValidSignature(bytes(body), signature, [secret])).toBe(true);
  });

  it('never pads (base64url without "=")', () => {
    for (const { body, secret } of VECTORS) expect(computeSignature(bytes(body), secret)).not.toContain('=');
  });

  it('rejects a tampered body', () => {
    const { body, secret, signature } = VECTORS[0]!;
    expect(isValidSignature(bytes(body.replace('evt_1', 'evt_2')), signature, [secret])).toBe(false);
    expect(isValidSignature(bytes(`${body} `), signature, [secret])).toBe(false);
  });

  it('rejects the wrong secret', () => {
    const { body, signature } = VECTORS[0]!;
    expect(isValidSignature(bytes(body), signature, ['whsec_test_2'])).toBe(false);
  });

  it('rejects a missing or empty header', () => {
    const { body, secret } = VECTORS[0]!;
    expect(isValidSignature(bytes(body), undefined, [secret])).toBe(false);
    expect(isValidSignature(bytes(body), '', [secret])).toBe(false);
  });

  it('rejects other encodings of the right MAC (hex, padded base64)', () => {
    const { body, secret, signature } = VECTORS[0]!;
    const raw = Buffer.from(signature, 'base64url');
    expect(isValidSignature(bytes(body), raw.toString('hex'), [secret])).toBe(false);
    expect(isValidSignature(bytes(body), raw.toString('base64'), [secret])).toBe(false);
  });

  it('accepts the current and the previous secret during rotation, and nothing else', () => {
    const { body, signature } = VECTORS[1]!;
    expect(isValidSignature(bytes(body), signature, ['new-secret', 'k'])).toBe(true);
    expect(isValidSignature(bytes(body), signature, ['k', 'new-secret'])).toBe(true);
    expect(isValidSignature(bytes(body), signature, ['new-secret', 'older'])).toBe(false);
    expect(isValidSignature(bytes(body), signature, [])).toBe(false);
  });
});
