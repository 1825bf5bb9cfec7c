import { Webhook } from 'standardwebhooks';
import { parseWebhookSecrets } from '../webhookSecrets/webhookSecrets.js';

/** The three Standard Webhooks headers of one message (a type, so it fits any header record). */
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export interface WebhookToSign {
  /** The message id: the same for every attempt at one message, so receivers can drop duplicates. */
  id: string;
  /** When this attempt is sent; receivers refuse timestamps more than 5 minutes off, so sign at each attempt. */
  timestamp: Date;
  /** The exact bytes that will be sent; re-serializing would break the signature. */
  body: string;
}

export type WebhookSigner = (message: WebhookToSign) => WebhookHeaders;

/**
 * Signs messages the Standard Webhooks way with the `standardwebhooks` package: `webhook-signature` holds one
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` per secret, space-separated, so that during a rotation a
 * receiver holding either the old or the new secret verifies the message.
 * @throws WebhookSecretError when a secret is malformed (checked once, here, not per message); the signer throws
 *   RangeError for an invalid date.
 */
export const createWebhookSigner = (secrets: string | readonly string[]): WebhookSigner => {
  const keys = parseWebhookSecrets(secrets).map((secret) => new Webhook(secret));
  return ({ id, timestamp, body }) => {
    // The package would sign "NaN" as the timestamp, a message no receiver can verify.
    if (Number.isNaN(timestamp.getTime())) throw new RangeError('a webhook is signed with a valid date');
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': keys.map((key) => key.sign(id, timestamp, body)).join(' '),
    };
  };
};
