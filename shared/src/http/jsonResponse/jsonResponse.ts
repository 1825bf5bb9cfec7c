import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A JSON API Gateway v2 response. Responses are never cached: blob state changes under the client. */
export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/** The one error body of the contract: `{"error": {"code", "message"}}`. */
export const errorResponse = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => jsonResponse(statusCode, { error: { code, message } }, headers);
