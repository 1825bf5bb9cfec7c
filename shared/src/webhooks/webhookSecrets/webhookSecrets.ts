import { randomBytes } from 'node:crypto';
import { WebhookSecretError } from '../errors.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

// Standard Webhooks: "the secret key SHOULD be between 24 bytes and 64 bytes". Less would weaken the HMAC; we
// refuse it rather than sign with it.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const checkSecret = (secret: string, position: number): string => {
  const where = `webhook secret #${position + 1}`;
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new WebhookSecretError(`${where} must start with whsec_`);
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (encoded === '' || !BASE64.test(encoded)) throw new WebhookSecretError(`${where} is not whsec_<base64>`);
  const bytes = Buffer.from(encoded, 'base64').byteLength;
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(`${where} must hold ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} bytes, not ${bytes}`);
  }
  return secret;
};

/**
 * Reads a webhook secret list: `whsec_<base64>` entries separated by whitespace (the IMGREC_WEBHOOK_SECRET
 * format, several entries during a rotation), or an array of entries. The order is kept: messages are signed with
 * every entry, and receivers may hold any one of them.
 * @throws WebhookSecretError when the list is empty or an entry is malformed or not 24–64 bytes long. The message
 *   names the entry by position, never by value.
 */
export const parseWebhookSecrets = (raw: string | readonly string[]): string[] => {
  const entries = (typeof raw === 'string' ? raw.split(/\s+/) : raw.flatMap((entry) => entry.split(/\s+/))).filter(
    (entry) => entry !== '',
  );
  if (entries.length === 0) throw new WebhookSecretError('no webhook secret given');
  return entries.map(checkSecret);
};

/** A new random secret, `whsec_` and the base64 of 24 random bytes (the size Svix and most providers issue). */
export const generateWebhookSecret = (): string =>
  `${WEBHOOK_SECRET_PREFIX}${randomBytes(MIN_SECRET_BYTES).toString('base64')}`;
