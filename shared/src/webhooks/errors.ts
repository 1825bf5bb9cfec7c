import { ImgrecError } from '../errors/index.js';

/** A webhook secret that is not `whsec_<base64>` of 24–64 bytes: a configuration error, never the client's. */
export class WebhookSecretError extends ImgrecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_webhook_secret', message, options);
    this.name = 'WebhookSecretError';
  }
}

/** A received webhook whose headers are missing, too old or too new, or whose signature matches no secret. */
export class WebhookSignatureError extends ImgrecError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_webhook_signature', message, options);
    this.name = 'WebhookSignatureError';
  }
}
