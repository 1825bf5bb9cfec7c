import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ImgrecError, ValidationError } from '../../errors/index.js';

/** An API Gateway v2 event whose body the middleware has parsed: any JSON value, or undefined for no body. */
export type EventWithJsonBody = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };

const PARSER_PACKAGE = '@middy/http-json-body-parser';

/**
 * Parses a JSON request body with middy's http-json-body-parser, which refuses a body sent without a JSON
 * Content-Type (so a cross-site form post cannot reach the handler). Our one addition: an empty body is no body, not
 * an error, since `POST /blobs` with nothing in it asks for an upload with the defaults.
 */
export const jsonBody = (): MiddlewareObj<EventWithJsonBody> => {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const { body, isBase64Encoded } = request.event;
      const text = typeof body !== 'string' ? '' : isBase64Encoded ? Buffer.from(body, 'base64').toString() : body;
      if (text.trim() === '') {
        request.event.body = undefined;
        return;
      }
      await parser.before?.(request as never);
    },
  };
};

/**
 * The contract's error for a refusal of http-json-body-parser, which answers with bare HTTP errors of its own:
 * `unsupported_media_type` for a body that is not declared JSON, `malformed_json` for one that does not parse.
 * Undefined for any other error.
 */
export const jsonBodyErrorOf = (error: unknown): ImgrecError | undefined => {
  const cause = (error as { cause?: { package?: string } } | undefined)?.cause;
  if (!(error instanceof Error) || cause?.package !== PARSER_PACKAGE) return undefined;
  return error.message === 'Unsupported Media Type'
    ? new ImgrecError('unsupported_media_type', 'Send the request body as application/json.', { cause: error })
    : new ValidationError('malformed_json', 'The request body is not valid JSON.', { cause: error });
};
