import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ImgrecError, ValidationError } from '../../errors/index.js';

const isJsonMediaType = (contentType: string): boolean => {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
};

/**
 * The parsed JSON body of an API Gateway v2 request, or `undefined` when the body is empty.
 * @throws ImgrecError 415 `unsupported_media_type` when a body is sent with a non-JSON Content-Type,
 *   and ValidationError `malformed_json` when the body is not JSON.
 */
export const readJsonBody = (event: Pick<APIGatewayProxyEventV2, 'body' | 'headers' | 'isBase64Encoded'>): unknown => {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (raw.trim() === '') return undefined;
  const contentType = event.headers?.['content-type'];
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    throw new ImgrecError('unsupported_media_type', 'Send the request body as application/json.', 415);
  }
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new ValidationError('malformed_json', 'The request body is not valid JSON.', { cause });
  }
};
