import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Kombo signs every webhook with `X-Kombo-Signature`: the HMAC-SHA256 of the raw request body,
 * keyed with the webhook secret, encoded as base64url without padding.
 */
export function computeSignature(rawBody: Uint8Array, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64url');
}

/**
 * True when `signature` matches the body under any of `secrets` (current and previous, so a rotation
 * in Kombo's dashboard does not drop webhooks). Compared in constant time.
 */
export function isValidSignature(
  rawBody: Uint8Array,
  signature: string | undefined,
  secrets: readonly string[],
): boolean {
  if (!signature) return false;
  const received = Buffer.from(signature.trim(), 'utf8');
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(computeSignature(rawBody, secret), 'utf8');
    // Every secret is checked, so the time taken does not reveal which one matched.
    if (expected.length === received.length && timingSafeEqual(expected, received)) valid = true;
  }
  return valid;
}
