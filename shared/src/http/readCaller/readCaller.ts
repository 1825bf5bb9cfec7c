import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { ApiKeyError } from '../../errors/index.js';
import { tenantIdSchema } from '../../events/catalogue.js';
import type { Logger } from '../../logging/logger.js';

/**
 * What the accounts service's authorizer hands a protected route in `requestContext.authorizer.lambda`: the caller
 * it recognised, or why it recognised nobody. The authorizer never denies: API Gateway would answer a denial with its
 * own 403 body, and the contract promises a 401 with a stable code, so the refusal travels to the handler, which
 * answers it (see docs/ARCHITECTURE.md, "API keys").
 */
export const authorizerContextSchema = z.union([
  z.object({
    tenant_id: tenantIdSchema,
    key_id: z.string().min(1),
    // API Gateway may hand context numbers over as strings.
    max_blobs_per_day: z.coerce.number().int().min(0).optional(),
  }),
  z.object({ auth_error: z.enum(['missing_api_key', 'invalid_api_key']) }),
]);
export type AuthorizerContext = z.infer<typeof authorizerContextSchema>;

/** The tenant and key a request was made with. */
export interface Caller {
  tenantId: string;
  keyId: string;
  /** The tenant's daily quota of new blobs; undefined when it has none. */
  maxBlobsPerDay: number | undefined;
}

/** A protected route reached without the authorizer's context: the route is deployed without its authorizer. */
export class MissingAuthorizerError extends Error {
  constructor() {
    super('a protected route was invoked without the API key authorizer context');
    this.name = 'MissingAuthorizerError';
  }
}

type EventWithAuthorizer = Pick<APIGatewayProxyEventV2, 'requestContext'> & {
  requestContext: { authorizer?: { lambda?: unknown } };
};

/**
 * The caller of a protected route, from the authorizer's context. Every protected handler calls it first.
 * @throws ApiKeyError (401 `missing_api_key` / `invalid_api_key`) when the authorizer recognised nobody;
 *   MissingAuthorizerError, a bug answered with a bare 500, when no authorizer ran at all: a route deployed
 *   without its authorizer must fail closed.
 */
export const readCaller = (event: EventWithAuthorizer): Caller => {
  const parsed = authorizerContextSchema.safeParse(event.requestContext.authorizer?.lambda);
  if (!parsed.success) throw new MissingAuthorizerError();
  if ('auth_error' in parsed.data) throw new ApiKeyError(parsed.data.auth_error);
  return {
    tenantId: parsed.data.tenant_id,
    keyId: parsed.data.key_id,
    maxBlobsPerDay: parsed.data.max_blobs_per_day,
  };
};

/**
 * Middleware for a protected route: refuses a request the authorizer recognised nobody for before anything else
 * looks at it (its body included), and puts the caller's `tenant_id` on every log line of the invocation. The
 * handler then reads the caller with {@link readCaller}.
 */
export const requireCaller = (log: Logger): MiddlewareObj<EventWithAuthorizer> => ({
  before: (request) => {
    log.appendKeys({ tenant_id: readCaller(request.event).tenantId });
  },
});
