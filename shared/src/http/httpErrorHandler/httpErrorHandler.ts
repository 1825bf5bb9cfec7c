import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ImgrecError } from '../../errors/index.js';
import type { Logger } from '../../logging/logger.js';
import { httpHeadersOf, httpStatusOf } from '../httpStatus/httpStatus.js';
import { jsonBodyErrorOf } from '../jsonBody/jsonBody.js';
import { errorResponse } from '../jsonResponse/jsonResponse.js';

/**
 * The one place that turns errors into HTTP responses. An ImgrecError is answered with its code, the status
 * httpStatusOf gives that code, and the headers it needs; a refusal of the JSON body parser with the contract's code.
 * Anything else is a bug: it is logged in full and the client gets a bare 500 `internal_error`, never a message or a
 * stack. Server-side errors (5xx) are logged too.
 */
export const httpErrorHandler = (log: Logger): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    const error = jsonBodyErrorOf(request.error) ?? request.error;
    if (error instanceof ImgrecError) {
      const status = httpStatusOf(error.code);
      if (status >= 500) log.error('request failed', { code: error.code, error });
      request.response = errorResponse(status, error.code, error.message, httpHeadersOf(error));
      return;
    }
    log.error('unhandled error', { error });
    request.response = errorResponse(500, 'internal_error', 'The server failed to handle this request.');
  },
});
