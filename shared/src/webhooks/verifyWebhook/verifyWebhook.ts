import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { WebhookBody } from '../buildWebhookBody/buildWebhookBody.js';
import { WebhookSignatureError } from '../errors.js';
import { parseVerificationSecrets } from '../webhookSecrets/webhookSecrets.js';

/** Request headers as Node (`req.headers`) or fetch (`request.headers`) give them. */
export type ReceivedHeaders = Headers | Record<string, string | string[] | undefined>;

const headerRecord = (headers: ReceivedHeaders): Record<string, string> => {
  const record: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (record[name] = value));
    return record;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) record[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value;
  }
  return record;
};

/**
 * Verifies an imgrec webhook and returns its parsed body. Use it on the raw request body, before any JSON parsing
 * or re-serialization. `secrets` is one secret, a space-separated list, or an array: the message is accepted if it
 * verifies with any of them (a rotation). Secrets are taken as the Standard Webhooks reference libraries take them:
 * with or without `whsec_`, padded or not. Checks follow Standard Webhooks: all three headers present,
 * `webhook-timestamp` within 5 minutes of now, and a `v1` signature that matches. Deduplicate on `webhook-id`: a
 * retried message keeps its id.
 * @returns the parsed body, or undefined for a correctly signed empty body (imgrec never sends one).
 * @throws WebhookSignatureError (code `invalid_webhook_signature`) when the message does not verify.
 * @throws WebhookSecretError when a secret is not base64.
 * @throws SyntaxError when a correctly signed, non-empty body is not JSON.
 */
export const verifyWebhook = (
  secrets: string | readonly string[],
  headers: ReceivedHeaders,
  body: string | Uint8Array,
): WebhookBody | undefined => {
  const record = headerRecord(headers);
  // The package reads strings and Buffers; a plain Uint8Array (what fetch's arrayBuffer() gives) becomes a Buffer.
  const payload = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let failure: unknown;
  for (const secret of parseVerificationSecrets(secrets)) {
    try {
      new Webhook(secret).verify(payload, record, { jsonParse: false });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      failure = error;
      continue;
    }
    const text = payload.toString();
    return text === '' ? undefined : (JSON.parse(text) as WebhookBody);
  }
  const reason = failure instanceof Error ? failure.message : 'No matching signature found';
  throw new WebhookSignatureError(reason, { cause: failure });
};
