import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { HTTP_STATUS_OF_CODE } from '../http/httpStatus/httpStatus.js';
import { apiDescriptionJson } from './buildApiDescription.js';
import { ERROR_CODE_MEANINGS, ERROR_CODES_OF_OPERATION, UNROUTED_ERROR_CODES } from './errorCodes.js';
import { API_DESCRIPTION_PATH, formattedApiDescription } from './writeApiDescription.js';

/** A node of the document as a client reads it: parsed JSON, whatever its shape. */
type Json = ReturnType<typeof JSON.parse>;

const document: Json = JSON.parse(apiDescriptionJson());
const operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json).map(([method, operation]) => ({ path, method, operation: operation as Json })),
);
const operationById = (id: string): Json => {
  const found = operations.find(({ operation }) => operation.operationId === id);
  if (found === undefined) throw new Error(`no operation ${id}`);
  return found.operation;
};

/** The codes an operation's error responses allow, by status (the 503 of /health is no error body). */
const documentedCodes = (operation: Json): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(operation.responses as Json)
      .map(([status, response]) => [
        status,
        (response as Json).content?.['application/json']?.schema?.properties?.error,
      ])
      .filter(([, error]) => error !== undefined)
      .map(([status, error]) => [status, error.properties.code.enum as string[]]),
  );

// Codes of the upload URL, which is not an API route, and of an authorizer denial, which ours never gives.
const NOT_API_CODES = [
  'invalid_signature',
  'upload_url_expired',
  'content_length_mismatch',
  'already_uploaded',
  'forbidden',
];

describe('the API description', () => {
  it('is what docs/openapi.json holds', async () => {
    const committed = readFileSync(API_DESCRIPTION_PATH, 'utf8');
    if (committed !== (await formattedApiDescription())) {
      throw new Error(
        'docs/openapi.json is out of date with the schemas. Regenerate it with\n' +
          '  node --import tsx shared/src/openapi/writeApiDescription.ts\n' +
          'and commit the result.',
      );
    }
  });

  it('is OpenAPI 3.1 with a relative server, so it holds for whichever host serves it', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toStrictEqual([{ url: '/' }]);
  });

  it('has every route, and only those', () => {
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toStrictEqual([
      'DELETE /blobs/{blob_id}',
      'GET /blobs',
      'GET /blobs/{blob_id}',
      'GET /health',
      'GET /openapi.json',
      'POST /blobs',
    ]);
    expect(operations.map(({ operation }) => operation.operationId).sort()).toStrictEqual(
      Object.keys(ERROR_CODES_OF_OPERATION).sort(),
    );
  });

  it('asks for a bearer API key on the /blobs routes only', () => {
    expect(document.components.securitySchemes).toStrictEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    for (const { path, operation } of operations) {
      expect([path, operation.security]).toStrictEqual([path, path.startsWith('/blobs') ? [{ apiKey: [] }] : []]);
    }
  });

  it('answers each documented error code with the status the servers give it', () => {
    for (const { operation } of operations) {
      for (const [status, codes] of Object.entries(documentedCodes(operation))) {
        for (const code of codes) expect([code, HTTP_STATUS_OF_CODE[code]]).toStrictEqual([code, Number(status)]);
      }
    }
  });

  it('documents every error code a client of the API can receive', () => {
    const documented = new Set([
      ...operations.flatMap(({ operation }) => Object.values(documentedCodes(operation)).flat()),
      ...UNROUTED_ERROR_CODES,
    ]);
    const receivable = Object.keys(HTTP_STATUS_OF_CODE).filter((code) => !NOT_API_CODES.includes(code));

    expect(receivable.filter((code) => !documented.has(code))).toStrictEqual([]);
    expect(Object.keys(ERROR_CODE_MEANINGS).filter((code) => !documented.has(code))).toStrictEqual([]);
  });

  it('tells a client of a keyed route how to authenticate and of POST when to retry', () => {
    const post = operationById('createBlob');
    expect(post.responses['401'].headers).toHaveProperty('WWW-Authenticate');
    expect(post.responses['429'].headers['Retry-After'].required).toBe(true);
    expect(documentedCodes(post)['429']).toStrictEqual(['quota_exceeded']);
    expect(documentedCodes(post)['415']).toStrictEqual(['unsupported_media_type']);
    expect(documentedCodes(operationById('getBlob'))['421']).toStrictEqual(['misdirected_request']);
    expect(post.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'Idempotency-Key' }));
  });

  it('has the features of a request and the text and faces of a blob', () => {
    const { schemas } = document.components;
    expect(schemas.UploadRequest.properties.features.items.enum).toStrictEqual(['labels', 'text', 'faces']);
    expect(schemas.UploadRequest.additionalProperties).toBe(false);
    expect(schemas.Blob.properties.options.properties).toHaveProperty('features');
    expect(schemas.Blob.properties.text.items).toStrictEqual({ $ref: '#/components/schemas/TextLine' });
    expect(schemas.Blob.properties.faces.items).toStrictEqual({ $ref: '#/components/schemas/Face' });
  });

  it('describes both webhook messages with their Standard Webhooks headers', () => {
    expect(Object.keys(document.webhooks as Json).sort()).toStrictEqual([
      'blob.labels_detected',
      'blob.recognition_failed',
    ]);
    for (const [type, item] of Object.entries(document.webhooks as Json)) {
      const { post } = item as Json;
      expect((post.parameters as Json[]).map((parameter) => [parameter.in, parameter.name])).toStrictEqual([
        ['header', 'webhook-id'],
        ['header', 'webhook-timestamp'],
        ['header', 'webhook-signature'],
      ]);
      const { $ref } = post.requestBody.content['application/json'].schema;
      const body = document.components.schemas[$ref.split('/').at(-1)];
      expect(body.properties.type.enum).toStrictEqual([type]);
      expect(body.properties.data).toStrictEqual({ $ref: '#/components/schemas/Blob' });
    }
  });
});
