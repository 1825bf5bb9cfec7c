// The browser-safe entry (also what bundlers get): no node: module is reachable from here. Node gets src/node.ts,
// which adds file paths and webhook verification.
import {
  buildImgrecClient,
  type ImgrecClient,
  type ImgrecClientOptions,
} from './client/createImgrecClient/createImgrecClient.js';

export type {
  BlobPage,
  BlobResult,
  BlobStatus,
  CreateBlobRequest,
  CreatedBlob,
  ImageInput,
  ImgrecClient,
  ImgrecClientOptions,
  LabelOptions,
  ListBlobsQuery,
  Upload,
  UploadOptions,
  WaitOptions,
} from './client/createImgrecClient/createImgrecClient.js';
export type { UploadProgress } from './client/putUpload/putUpload.js';
export { ImgrecApiError, ImgrecNetworkError, ImgrecTimeoutError } from './errors/errors.js';
export type { paths, components, operations, webhooks } from './generated/api.js';

/**
 * The typed imgrec client. In browsers, pass a File, a Blob or bytes to `upload`/`label` (file paths need Node).
 */
export const createImgrecClient = (options: ImgrecClientOptions): ImgrecClient => buildImgrecClient(options, {});
