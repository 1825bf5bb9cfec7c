import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Json = ReturnType<typeof JSON.parse>;

/** One response as a client received it. */
export interface ObservedResponse {
  method: string;
  /** The path of the request, without its query string. */
  path: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The committed API description: the freshness test in shared/src/openapi keeps it equal to the code's. */
export const readApiDescription = (): Json =>
  JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8'));

/**
 * The published schemas leave objects open (no `additionalProperties`), so that adding a field to a response later
 * does not break clients that validate what they receive. Here every object without a rule of its own is closed,
 * so that a field the description does not list fails the suite instead of slipping into the contract unnoticed.
 */
const closeObjects = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const closed: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, closeObjects(value)]));
  if (closed.type === 'object' && closed.properties !== undefined && !('additionalProperties' in closed)) {
    closed.additionalProperties = false;
  }
  return closed;
};

/** A copy of a schema whose `#/components/schemas/…` references point into its own `$defs`. */
const withDefinitions = (schema: Json, components: Json): Json =>
  JSON.parse(JSON.stringify({ ...schema, $defs: components }).replaceAll('"#/components/schemas/', '"#/$defs/'));

const templateMatches = (template: string, path: string) =>
  new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path);

const headerValue = (headers: ObservedResponse['headers'], name: string) => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** The codes a request that reaches no operation may be answered with, and their statuses. */
const UNROUTED_STATUS: Readonly<Record<string, number>> = {
  route_not_found: 404,
  method_not_allowed: 405,
  misdirected_request: 421,
};

export interface ResponseValidator {
  /** What is wrong with a response, against the API description; empty when nothing is. */
  check(response: ObservedResponse): string[];
  /** What is wrong with a webhook body of a type, against the description's `webhooks`. */
  checkWebhook(type: string, body: unknown): string[];
}

/**
 * Checks responses against an OpenAPI 3.1 description with ajv (JSON Schema 2020-12): by method, path template and
 * status, the status must be documented, the body must match its schema with no field the schema does not list, a
 * response without content must have no body, and every required header must be present and valid. The upload URL
 * (`/uploads/…`) is no API route and is not checked; nor are responses to paths outside the API that are not JSON
 * (the metrics, the pages). A JSON answer to a path outside the API must be one of the unrouted errors.
 */
export const buildResponseValidator = (description: Json = readApiDescription()): ResponseValidator => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  // ajv-formats is CommonJS: ESM's default import is its module.exports, whose `default` is the plugin.
  ajvFormats.default(ajv);
  // Annotations OpenAPI adds to JSON Schema, which carry no rule.
  ajv.addKeyword('example');
  const components = closeObjects(description.components?.schemas ?? {});
  const compiled = new Map<Json, ValidateFunction>();
  const validatorOf = (schema: Json): ValidateFunction => {
    let validate = compiled.get(schema);
    if (validate === undefined) {
      validate = ajv.compile(withDefinitions(closeObjects(schema), components));
      compiled.set(schema, validate);
    }
    return validate;
  };
  const errorsOf = (schema: Json, value: unknown): string[] => {
    const validate = validatorOf(schema);
    return validate(value)
      ? []
      : (validate.errors ?? []).map(
          (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
        );
  };

  const unroutedError = {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: { code: { enum: Object.keys(UNROUTED_STATUS) }, message: { type: 'string' } },
        required: ['code', 'message'],
      },
    },
    required: ['error'],
  };

  const parseJson = (response: ObservedResponse): { value?: unknown; problem?: string } => {
    const contentType = headerValue(response.headers, 'content-type') ?? '';
    if (!contentType.startsWith('application/json')) return { problem: `content-type is "${contentType}", not JSON` };
    try {
      return { value: JSON.parse(response.body.toString('utf8')) };
    } catch {
      return { problem: 'the body is not JSON' };
    }
  };

  const checkUnrouted = (response: ObservedResponse): string[] => {
    const { value, problem } = parseJson(response);
    if (problem !== undefined) return [problem];
    const problems = errorsOf(unroutedError, value);
    if (problems.length > 0) return problems;
    const { code } = (value as { error: { code: string } }).error;
    if (UNROUTED_STATUS[code] !== response.status) return [`${code} answered with status ${response.status}`];
    if (code === 'method_not_allowed' && headerValue(response.headers, 'allow') === undefined) {
      return ['405 without an Allow header'];
    }
    return [];
  };

  const check = (response: ObservedResponse): string[] => {
    if (response.path.startsWith('/uploads/')) return [];
    const template = Object.keys(description.paths).find((candidate) => templateMatches(candidate, response.path));
    if (template === undefined) {
      const isJson = (headerValue(response.headers, 'content-type') ?? '').startsWith('application/json');
      return isJson ? checkUnrouted(response) : [];
    }
    const operation = description.paths[template][response.method.toLowerCase()];
    if (operation === undefined) return checkUnrouted(response);

    const documented = operation.responses[String(response.status)] ?? operation.responses.default;
    if (documented === undefined) return [`status ${response.status} is not documented`];

    const problems: string[] = [];
    for (const [name, header] of Object.entries((documented.headers ?? {}) as Json)) {
      const value = headerValue(response.headers, name);
      if (value === undefined) {
        if ((header as Json).required === true) problems.push(`header ${name} is missing`);
      } else {
        problems.push(...errorsOf((header as Json).schema, value).map((problem) => `header ${name}: ${problem}`));
      }
    }
    const media = documented.content?.['application/json'];
    if (media === undefined) {
      if (response.body.length > 0) problems.push(`a body where none is documented: ${response.body.toString()}`);
      return problems;
    }
    const { value, problem } = parseJson(response);
    if (problem !== undefined) return [...problems, problem];
    return [...problems, ...errorsOf(media.schema, value)];
  };

  const checkWebhook = (type: string, body: unknown): string[] => {
    const schema = description.webhooks?.[type]?.post?.requestBody?.content?.['application/json']?.schema;
    return schema === undefined ? [`webhook ${type} is not documented`] : errorsOf(schema, body);
  };

  return { check, checkWebhook };
};
