import { ValidationError } from '../errors/index.js';

/**
 * A callback URL that breaks the rules for callback URLs: at POST time it is a 400 `invalid_callback_url` whose message
 * is the reason; at send time the same error fails the delivery attempt.
 */
export class CallbackUrlRejectedError extends ValidationError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('invalid_callback_url', reason, options);
    this.name = 'CallbackUrlRejectedError';
  }
}
