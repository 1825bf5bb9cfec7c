// The Node entry of @imgrec/client: the browser entry's client, which here also reads file paths, plus webhook
// verification and the local webhook receiver.
import {
  buildImgrecClient,
  type ImgrecClient,
  type ImgrecClientOptions,
} from './client/createImgrecClient/createImgrecClient.js';
import { readFile } from 'node:fs/promises';

export * from './index.js';
export { verifyWebhook, WebhookSignatureError, type WebhookBody } from '@imgrec/shared/webhooks';
export {
  startWebhookListener,
  type ListenedDelivery,
  type WebhookListener,
  type WebhookListenerOptions,
} from './node/startWebhookListener/startWebhookListener.js';

/** The typed imgrec client; `upload` and `label` also take a file path. */
export const createImgrecClient = (options: ImgrecClientOptions): ImgrecClient =>
  buildImgrecClient(options, { readFile: (path) => readFile(path) });
