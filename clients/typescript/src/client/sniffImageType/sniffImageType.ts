export type ImageContentType = 'image/jpeg' | 'image/png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The image type the leading bytes show (the API reads the format from the bytes too): `image/jpeg` for FF D8 FF,
 * `image/png` for the PNG signature, undefined for anything else.
 */
export const sniffImageType = (head: Uint8Array): ImageContentType | undefined => {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (PNG_SIGNATURE.every((byte, index) => head[index] === byte)) return 'image/png';
  return undefined;
};
