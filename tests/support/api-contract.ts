import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

// Every answer the e2e tests receive is checked against the committed docs/openapi.json (which a
// unit test holds equal to the zod schemas): the route and its status must be documented, and the
// body must match that status's schema. The check is stricter than the document in one way: an
// object may carry no property the document does not name, so an undocumented field fails here.

// ajv-formats is CommonJS: its function is both module.exports and `.default`; the types know only the latter.
const addFormats = ajvFormats.default;

type Json = Record<string, unknown>;

const DOCUMENT_ID = 'openapi';

export const openApiDocument = JSON.parse(
  readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
) as Json & { paths: Record<string, Record<string, Json>> };

/** A copy of the document where every object schema with properties allows no others. */
function closedObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closedObjects);
  if (node === null || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) copy[key] = closedObjects(value);
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined)
    copy.additionalProperties = false;
  return copy;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(closedObjects(openApiDocument) as Json, DOCUMENT_ID);

/** `/jobs/{jobId}` as a pattern for one path. */
function patternOf(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.]/g, '\\.')))
    .join('/');
  return new RegExp(`^${source}$`);
}

const routes = Object.keys(openApiDocument.paths).map((template) => ({
  template,
  pattern: patternOf(template),
}));

/** JSON Pointer escaping of one reference token. */
const pointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

const validators = new Map<string, ValidateFunction>();

function validatorFor(template: string, method: string, status: string, mediaType: string): ValidateFunction {
  const ref = `${DOCUMENT_ID}#/paths/${pointer(template)}/${method}/responses/${status}/content/${pointer(mediaType)}/schema`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

let checked = 0;

/** How many answers were checked so far, for a test to assert that the check ran. */
export function answersChecked(): number {
  return checked;
}

/**
 * Throws unless `body` is an answer docs/openapi.json documents for this request: the route, the
 * method, the status, and a body of the media type (JSON unless given) matching its schema.
 */
export function assertDocumentedAnswer(
  method: string,
  url: string,
  status: number,
  body: unknown,
  mediaType = 'application/json',
): void {
  const path = new URL(url, 'http://localhost').pathname;
  const verb = method.toLowerCase();
  const route = routes.find(
    ({ template, pattern }) => pattern.test(path) && openApiDocument.paths[template]?.[verb],
  );
  if (!route) {
    // API Gateway's answer to a path it has no route for: the same as a missing key.
    if (status === 403 && JSON.stringify(body) === '{"message":"Missing Authentication Token"}') return;
    throw new Error(`${method} ${path} is not a route of docs/openapi.json`);
  }
  const responses = openApiDocument.paths[route.template]?.[verb]?.responses as Json;
  if (!(String(status) in responses)) {
    const documented = Object.keys(responses).join(', ');
    throw new Error(`${method} ${route.template} answered ${status}, not among its documented ${documented}`);
  }
  const content = (responses[String(status)] as Json).content as Json | undefined;
  if (!content || !(mediaType in content)) {
    throw new Error(`${method} ${route.template} ${status} answered ${mediaType}, not a documented type`);
  }
  const validate = validatorFor(route.template, verb, String(status), mediaType);
  if (!validate(body)) {
    const problems = ajv.errorsText(validate.errors, { separator: '; ' });
    throw new Error(`${method} ${route.template} ${status} does not match docs/openapi.json: ${problems}`);
  }
  checked += 1;
}

/** Throws unless `body` is the webhook body the document describes. */
export function assertDocumentedWebhook(body: unknown): void {
  const validate = ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/WebhookBody`);
  if (!validate) throw new Error('docs/openapi.json has no WebhookBody schema');
  if (!validate(body)) {
    throw new Error(`The webhook body does not match docs/openapi.json: ${ajv.errorsText(validate.errors)}`);
  }
}

export interface ApiAnswer {
  readonly status: number;
  /** The body as it came: the playlist of an HLS route, the JSON text of the others. */
  readonly text: string;
  // Answers are free-form JSON once checked; the assertions give them their shape.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  readonly json: Record<string, any>;
  readonly headers: Headers;
}

export interface CallOptions {
  /** The X-API-Key header; none when null or absent. */
  readonly key?: string | null;
  /** A value sent as JSON, or a string sent as it is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One request to a running API; the answer is checked against docs/openapi.json before a test sees it. */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer> {
  const { key, body } = options;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(key ? { 'X-API-Key': key } : {}),
      ...options.headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const isJson = mediaType === 'application/json';
  const json = (isJson ? JSON.parse(text) : {}) as ApiAnswer['json'];
  assertDocumentedAnswer(method, path, response.status, isJson ? json : text, mediaType);
  return { status: response.status, json, text, headers: response.headers };
}
