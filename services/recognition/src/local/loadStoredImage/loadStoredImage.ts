import { NotFoundError } from '@imgrec/shared';
import type { FsBlobStore } from '@imgrec/shared/local';
import type { ImageRef } from '../../ports.js';

/**
 * Reads a stored image's bytes from the local blob store, for the local recognizer.
 * @throws NotFoundError `object_not_found` when the image is gone (the blob was deleted while it waited), as
 *   ReadImageHead does; what the store throws for anything else.
 */
export const buildLoadStoredImage =
  (blobStore: Pick<FsBlobStore, 'read'>) =>
  async (image: ImageRef): Promise<Uint8Array> => {
    try {
      return await blobStore.read(image.key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError('object_not_found', `No object ${image.key}`);
      }
      throw error;
    }
  };
