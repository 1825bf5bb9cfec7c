import { readFile } from 'node:fs/promises';
import type { BlobResult, ImgrecClient } from '../../client/createImgrecClient/createImgrecClient.js';
import {
  startWebhookListener,
  type ListenedDelivery,
  type WebhookListener,
} from '../../node/startWebhookListener/startWebhookListener.js';
import { ImgrecNetworkError } from '../../errors/errors.js';
import { describeError, type ErrorContext } from '../describeError/describeError.js';
import type { CliCommand } from '../parseCliArgs/parseCliArgs.js';
import type { CliIo } from '../runCli/cliIo.js';
import { isLoopbackUrl } from '../resolveSettings/resolveSettings.js';
import { webhookSecretSource } from './webhookSecrets.js';

/** The photo the smoke test uploads (shipped with the client; see fixtures/README.md), and a label it must get. */
const FIXTURE = new URL('../../../fixtures/dog.jpg', import.meta.url);
const EXPECTED_LABEL = 'dog';
const RECOGNITION_TIMEOUT_MS = 120_000;
const WEBHOOK_TIMEOUT_MS = 60_000;

/** A step that failed: its message is the one line the user sees after ✗. */
class StepFailed extends Error {}

/**
 * `imgrec smoke`: the whole flow against a stage, one line per step with ✓ or ✗ and its time: the health check,
 * an upload of the bundled photo, the wait for its labels, a label it must have, the signed webhook (when
 * `--receiver` names a public URL that forwards to `--port` here) and the blob's deletion. Stops at the first failure.
 * @returns 0 when every step passed, 1 otherwise.
 */
export const smokeCommand = async (
  command: Extract<CliCommand, { name: 'smoke' }>,
  client: ImgrecClient,
  io: CliIo,
  context: ErrorContext & { apiUrl: string },
): Promise<number> => {
  let listener: WebhookListener | undefined;
  let blobId: string | undefined;
  const step = async <T>(name: string, run: () => Promise<T>, detail?: (value: T) => string): Promise<T> => {
    const started = performance.now();
    const elapsed = () => `${Math.round(performance.now() - started)} ms`;
    try {
      const value = await run();
      io.stdout.write(`✓ ${name.padEnd(10)} ${elapsed()}${detail ? `  ${detail(value)}` : ''}\n`);
      return value;
    } catch (error) {
      const reason = error instanceof StepFailed ? error.message : describeError(error, context);
      io.stdout.write(`✗ ${name.padEnd(10)} ${elapsed()}  ${reason}\n`);
      throw error;
    }
  };
  try {
    await step('health', async () => {
      const response = await fetch(`${context.apiUrl}/health`).catch((error: unknown) => {
        throw new StepFailed(new ImgrecNetworkError(context.apiUrl, { cause: error }).message);
      });
      if (response.status !== 200) throw new StepFailed(`GET /health answered ${response.status}`);
    });
    if (command.receiver !== undefined) {
      const allowDevSecrets = command.secret !== undefined || isLoopbackUrl(new URL(context.apiUrl));
      const { secrets } = allowDevSecrets
        ? webhookSecretSource(command.secret, io.env, io.cwd)
        : { secrets: undefined };
      listener = await step(
        'receiver',
        () => startWebhookListener({ port: command.port, ...(secrets && { secrets }) }),
        (started) => `${command.receiver} → ${started.url}`,
      );
    }
    const created = await step(
      'upload',
      async () =>
        client.upload(await readFile(FIXTURE), {
          content_type: 'image/jpeg',
          ...(command.receiver !== undefined && { callback_url: command.receiver }),
        }),
      (upload) => upload.blob_id,
    );
    blobId = created.blob_id;
    const blob = await step(
      'recognize',
      () => client.waitFor(created.blob_id, { timeoutMs: RECOGNITION_TIMEOUT_MS, postedAt: created.postedAt }),
      (result: BlobResult) => result.status,
    );
    await step(
      'labels',
      async () => {
        if (blob.status !== 'succeeded') {
          throw new StepFailed(`the blob ${blob.status}: ${blob.error?.code ?? ''} ${blob.error?.message ?? ''}`);
        }
        const labels = blob.labels ?? [];
        if (!labels.includes(EXPECTED_LABEL)) {
          throw new StepFailed(`"${EXPECTED_LABEL}" is not among the labels: ${labels.join(', ') || '(none)'}`);
        }
        return labels;
      },
      (labels) => labels.slice(0, 6).join(', '),
    );
    if (listener !== undefined) {
      const receiver = listener;
      await step(
        'webhook',
        () => deliveryOf(receiver, created.blob_id),
        (delivery) =>
          `${delivery.webhookId ?? ''} ${
            delivery.verified === undefined ? 'received (signature not checked: pass --secret)' : 'signature verified'
          }`,
      );
    }
    await step('delete', async () => {
      await client.delete(created.blob_id);
      blobId = undefined;
    });
    return 0;
  } catch {
    if (blobId !== undefined) await client.delete(blobId).catch(() => undefined);
    return 1;
  } finally {
    await listener?.close();
  }
};

/** Waits for the blob's webhook at the receiver; a delivery whose signature does not verify fails the step. */
const deliveryOf = async (listener: WebhookListener, blobId: string): Promise<ListenedDelivery> => {
  const deadline = Date.now() + WEBHOOK_TIMEOUT_MS;
  for (;;) {
    const delivery = listener.deliveries.find((candidate) => candidate.body.includes(blobId));
    if (delivery?.verified === false) throw new StepFailed(`signature NOT verified: ${delivery.reason}`);
    if (delivery) return delivery;
    if (Date.now() > deadline) {
      throw new StepFailed(`no webhook for ${blobId} within ${WEBHOOK_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
};
