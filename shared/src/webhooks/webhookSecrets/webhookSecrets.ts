import { randomBytes } from 'node:crypto';
import { WebhookSecretError } from '../errors.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

// Standard Webhooks: "the secret key SHOULD be between 24 bytes and 64 bytes". Less would weaken the HMAC; we
// refuse it rather than sign with it.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
// Base64, with or without its `=` padding, as the reference libraries take it.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

const entriesOf = (raw: string | readonly string[]): string[] =>
  (typeof raw === 'string' ? raw.split(/\s+/) : raw.flatMap((entry) => entry.split(/\s+/))).filter(
    (entry) => entry !== '',
  );

/**
 * One secret in the one spelling the `standardwebhooks` package takes: `whsec_` and padded base64. The reference
 * libraries (JavaScript, Python, Go) accept a secret with or without the prefix, and Go accepts it unpadded, so a
 * receiver may hold it any of those ways.
 * @throws WebhookSecretError, naming the entry by position, when it is not base64.
 */
const normalizeSecret = (secret: string, position: number): string => {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  if (encoded === '' || !BASE64.test(encoded)) {
    throw new WebhookSecretError(`webhook secret #${position + 1} is not whsec_<base64>`);
  }
  return `${WEBHOOK_SECRET_PREFIX}${encoded.padEnd(Math.ceil(encoded.length / 4) * 4, '=')}`;
};

const checkStrength = (secret: string, position: number): string => {
  const bytes = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64').byteLength;
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new WebhookSecretError(
      `webhook secret #${position + 1} must hold ${MIN_SECRET_BYTES}–${MAX_SECRET_BYTES} bytes, not ${bytes}`,
    );
  }
  return secret;
};

/**
 * Reads the secrets a receiver verifies with, as leniently as the reference libraries: one secret, a space-separated
 * list or an array, each with or without `whsec_`, padded or not. Returns them as `whsec_<padded base64>`.
 * @throws WebhookSecretError when the list is empty or an entry is not base64.
 */
export const parseVerificationSecrets = (raw: string | readonly string[]): string[] => {
  const entries = entriesOf(raw);
  if (entries.length === 0) throw new WebhookSecretError('no webhook secret given');
  return entries.map(normalizeSecret);
};

/**
 * Reads the secrets imgrec signs with: entries separated by whitespace (the IMGREC_WEBHOOK_SECRET format, several
 * during a rotation), or an array, each `whsec_<base64>` (the prefix and padding may be left out, as a receiver's
 * library allows). Returns them in the one spelling `whsec_<padded base64>`, in order: messages are signed with every
 * entry, and receivers may hold any one of them. Unlike a receiver, a signer refuses a weak secret.
 * @throws WebhookSecretError when the list is empty or an entry is not base64 or not 24–64 bytes long. The message
 *   names the entry by position, never by value.
 */
export const parseWebhookSecrets = (raw: string | readonly string[]): string[] =>
  parseVerificationSecrets(raw).map(checkStrength);

/** A new random secret, `whsec_` and the base64 of 24 random bytes (the size Svix and most providers issue). */
export const generateWebhookSecret = (): string =>
  `${WEBHOOK_SECRET_PREFIX}${randomBytes(MIN_SECRET_BYTES).toString('base64')}`;
