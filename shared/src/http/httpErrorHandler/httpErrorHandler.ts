import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ImgrecError } from '../../errors/index.js';
import { logger as defaultLogger, type Logger } from '../../logging/logger.js';
import { errorResponse } from '../jsonResponse/jsonResponse.js';

/**
 * The one place that turns errors into HTTP responses. An ImgrecError keeps its code and status; anything else is
 * a bug, so it is logged in full and the client gets a bare 500 `internal_error`, never a message or a stack.
 */
export const httpErrorHandler = (
  log: Logger = defaultLogger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    const { error } = request;
    if (error instanceof ImgrecError) {
      if (error.statusCode >= 500) log.error('request failed', { code: error.code, error });
      request.response = errorResponse(error.statusCode, error.code, error.message, error.headers);
      return;
    }
    log.error('unhandled error', { error });
    request.response = errorResponse(500, 'internal_error', 'The server failed to handle this request.');
  },
});
