import { CallbackUrlRejectedError, buildGuardedLookup, parseCallbackUrl, type HostResolver } from '@imgrec/shared';
import type { Got } from 'got';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ATTEMPT_TIMEOUT_MS, MAX_RESPONSE_BYTES } from '../../config.js';
import type { CallbackSender, SendResult } from '../../ports.js';

export interface GotCallbackSenderConfig {
  /** IMGREC_CALLBACK_ALLOW_HOSTS: hosts exempt from the https and public-address rules. */
  allowHosts: readonly string[];
  /** Defaults to 10 s, the contract's timeout; tests shorten it. */
  timeoutMs?: number;
  /** Defaults to 64 KB, all of a response the contract reads. */
  maxResponseBytes?: number;
  /** Defaults to the system resolver; tests inject one. */
  resolve?: HostResolver;
}

const USER_AGENT = 'imgrec-webhooks/1';
const EXCERPT_CHARS = 256;

const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // got wraps errors from the lookup (our SSRF refusal) and the socket; the original says what happened.
  const cause = error.cause instanceof Error ? error.cause : error;
  if (cause instanceof CallbackUrlRejectedError) return cause.message;
  const code = (cause as NodeJS.ErrnoException).code ?? (error as NodeJS.ErrnoException).code;
  return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
};

/**
 * The callback sender on got. Each attempt is one POST that:
 * - re-runs the SSRF rules of callback_url at send time: the URL checks without DNS first (IP-literal hosts are
 *   judged here, since Node never calls `lookup` for them), then a guarded `lookup` that refuses internal addresses
 *   and pins the socket to the addresses it checked (no DNS rebinding between check and connect);
 * - never follows redirects, never retries by itself (the queue does), and gives up after `timeoutMs`;
 * - reads at most `maxResponseBytes` of the response and then drops the connection, so a receiver cannot make us
 *   buffer an endless body;
 * - uses its own agents without keep-alive, so no pooled socket opened by other code (or to another address) is
 *   ever reused for a callback.
 * A refused address, a timeout or a reset is a SendResult of kind "error", never a throw.
 */
export const buildGotCallbackSender = (client: Got, config: GotCallbackSenderConfig): CallbackSender => {
  const timeoutMs = config.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const maxResponseBytes = config.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const guardedLookup = buildGuardedLookup(config.resolve);
  const agent = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };

  return async ({ url, headers, body }) => {
    let target: ReturnType<typeof parseCallbackUrl>;
    try {
      target = parseCallbackUrl(url, config.allowHosts);
    } catch (error) {
      return { kind: 'error', error: describeError(error) };
    }

    return new Promise<SendResult>((resolve) => {
      const stream = client.stream.post(target.url, {
        body,
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
        // The allow-list exempts its hosts from the address rules, so they resolve normally.
        dnsLookup: target.allowListed ? undefined : guardedLookup,
        agent,
        timeout: { request: timeoutMs },
        followRedirect: false,
        throwHttpErrors: false,
        retry: { limit: 0 },
        decompress: false,
      });

      let response: { statusCode: number; headers: Record<string, string | string[] | undefined> } | undefined;
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;

      const settle = (result: SendResult) => {
        if (settled) return;
        settled = true;
        stream.destroy();
        resolve(result);
      };
      const fromResponse = (): SendResult => {
        const retryAfter = response?.headers['retry-after'];
        return {
          kind: 'response',
          statusCode: response?.statusCode ?? 0,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          excerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS),
        };
      };

      stream.on(
        'response',
        (incoming: { statusCode: number; headers: Record<string, string | string[] | undefined> }) => {
          response = incoming;
        },
      );
      stream.on('data', (chunk: Buffer) => {
        const room = maxResponseBytes - received;
        chunks.push(chunk.subarray(0, room));
        received += Math.min(chunk.byteLength, room);
        if (received >= maxResponseBytes) settle(fromResponse());
      });
      stream.on('end', () => settle(fromResponse()));
      // Once the status line is in, a body that stalls or breaks does not change the receiver's answer.
      stream.on('error', (error: Error) =>
        settle(response ? fromResponse() : { kind: 'error', error: describeError(error) }),
      );
    });
  };
};
