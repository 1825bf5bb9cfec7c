import { ImgrecApiError, ImgrecNetworkError, ImgrecTimeoutError } from '../../errors/errors.js';
import { UsageError } from '../parseCliArgs/parseCliArgs.js';

/** What the CLI knows about where its settings came from, to make an error line say what to fix. */
export interface ErrorContext {
  apiUrl?: string;
  keySource?: string;
}

/** Whether an error ends the whole run rather than one file: every other file would fail the same way. */
export const isFatal = (error: unknown): boolean =>
  error instanceof ImgrecNetworkError ||
  (error instanceof ImgrecApiError && (error.status === 401 || error.code === 'quota_exceeded'));

/**
 * One line (without the `imgrec: ` prefix) saying what went wrong, for a person: the API's code and message, a
 * refused key with where it came from, an unreachable API with the system's reason. Never a stack trace.
 */
export const describeError = (error: unknown, context: ErrorContext = {}): string => {
  if (error instanceof ImgrecApiError) {
    const retry = error.retryAfter === undefined ? '' : ` (retry after ${error.retryAfter} s)`;
    if (error.status === 401) {
      const source = context.keySource ? ` from ${context.keySource}` : '';
      return `${context.apiUrl ?? 'the API'} refused the API key${source}: ${error.code}: ${error.message}`;
    }
    return `${error.code}: ${error.message}${retry}`;
  }
  if (error instanceof ImgrecNetworkError) return error.message;
  if (error instanceof ImgrecTimeoutError || error instanceof UsageError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
};
