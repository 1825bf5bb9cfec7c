import { verifyWebhook, type WebhookBody } from '@imgrec/shared/webhooks';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the listener received, and what it made of it. */
export interface ListenedDelivery {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  webhookId: string | undefined;
  /** Whether the signature verified: undefined when the listener has no secret to check with. */
  verified: boolean | undefined;
  /** Why verification failed. */
  reason: string | undefined;
  /** The parsed body, when it verified. */
  payload: WebhookBody | undefined;
}

export interface WebhookListenerOptions {
  port: number;
  /** Defaults to 127.0.0.1: a developer tool should not listen on the network. */
  host?: string;
  /**
   * The whsec_ secrets to verify with, or a function asked at each request (for secrets that may appear or rotate
   * later); none means signatures are shown but not checked. When the function fails, the delivery is shown as not
   * verified, with its error as the reason.
   */
  secrets?: readonly string[] | (() => readonly string[] | Promise<readonly string[]>);
  /** The status to answer with; 204 by default. Tests use it to play a failing receiver. */
  respond?: (delivery: ListenedDelivery, index: number) => number;
  /** Where each delivery's summary goes; nothing by default. */
  print?: (text: string) => void;
}

export interface WebhookListener {
  url: string;
  port: number;
  deliveries: ListenedDelivery[];
  close(): Promise<void>;
}

// Far above any imgrec message; a bigger body is not ours and is not worth holding in memory.
const MAX_BODY_BYTES = 1024 * 1024;

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
};

const verify = async (
  secrets: () => readonly string[] | Promise<readonly string[]>,
  headers: IncomingHttpHeaders,
  body: string,
) => {
  try {
    const current = await secrets();
    if (current.length === 0) return { verified: undefined, reason: undefined, payload: undefined };
    return { verified: true, reason: undefined, payload: verifyWebhook(current, headers, body) };
  } catch (error) {
    return { verified: false, reason: error instanceof Error ? error.message : String(error), payload: undefined };
  }
};

/** A readable summary of a delivery: who, what, whether it verified, and the body. */
export const describeDelivery = (delivery: ListenedDelivery, status: number): string => {
  const signature =
    delivery.verified === undefined
      ? 'signature not checked (no secret: pass --secret whsec_…)'
      : delivery.verified
        ? 'signature verified'
        : `signature NOT verified: ${delivery.reason}`;
  let body = delivery.body;
  try {
    body = JSON.stringify(JSON.parse(delivery.body), null, 2);
  } catch {
    // Not JSON: show it as it came.
  }
  return [
    `${new Date().toISOString()} ${delivery.method} ${delivery.path} → ${status}`,
    `  webhook-id: ${delivery.webhookId ?? '(none)'}  webhook-timestamp: ${headerValue(delivery.headers, 'webhook-timestamp') ?? '(none)'}`,
    `  ${signature}`,
    ...body.split('\n').map((line) => `  ${line}`),
    '',
  ].join('\n');
};

/**
 * A local webhook receiver for developers (`imgrec webhooks listen`) and for the end-to-end tests: it records and
 * prints every request, verifies its Standard Webhooks signature with verifyWebhook, and answers 204 (or what
 * `respond` says). Bodies over 1 MB are refused with 413.
 */
export const startWebhookListener = async (options: WebhookListenerOptions): Promise<WebhookListener> => {
  const secrets = options.secrets ?? [];
  const currentSecrets = typeof secrets === 'function' ? secrets : () => secrets;
  const deliveries: ListenedDelivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const delivery: ListenedDelivery = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        webhookId: headerValue(request.headers, 'webhook-id'),
        ...(await verify(currentSecrets, request.headers, body)),
      };
      deliveries.push(delivery);
      const status = options.respond?.(delivery, deliveries.length - 1) ?? 204;
      options.print?.(describeDelivery(delivery, status));
      response.writeHead(status).end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
