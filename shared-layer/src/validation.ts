import type { z } from 'zod';
import {
  createJobSpecSchema,
  type JobSpec,
  readWebhookSizeLimits,
  type WebhookSizeLimits,
} from './job-spec.ts';
import { quoteForMessage } from './message-text.ts';

/** One problem of a job spec: `path` elements as in the JSON (array indexes as numbers). */
export interface SpecProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

export const INVALID_SPEC_PREFIX = 'Invalid job specification:';

/** A job spec that does not satisfy the contract. Retrying cannot help. */
export class JobSpecValidationError extends Error {
  override readonly name = 'JobSpecValidationError';
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[]) {
    super(formatSpecProblems(problems));
    this.problems = problems;
  }
}

/** `Invalid job specification:` then one `\n  - Field 'a -> b -> 0': message` line per problem. */
export function formatSpecProblems(problems: readonly SpecProblem[]): string {
  const lines = problems.map((p) => `\n  - Field '${formatPath(p.path)}': ${p.message}`);
  return `${INVALID_SPEC_PREFIX}${lines.join('')}`;
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.length === 0
    ? '(root)'
    : path.map((p) => (typeof p === 'number' ? p : quoteForMessage(p))).join(' -> ');
}

export type SpecValidationResult =
  | { readonly ok: true; readonly spec: JobSpec }
  | { readonly ok: false; readonly error: JobSpecValidationError };

let cached: { key: string; schema: ReturnType<typeof createJobSpecSchema> } | undefined;

function schemaFor(limits: WebhookSizeLimits) {
  const key = `${limits.maxHeadersSize}/${limits.maxMetadataSize}`;
  if (cached?.key !== key) cached = { key, schema: createJobSpecSchema(limits) };
  return cached.schema;
}

/**
 * Validates a parsed JSON value as a job spec and reports every problem found, with messages in
 * the wording the old service's clients know. Never throws.
 */
export function validateJobSpec(
  input: unknown,
  limits: WebhookSizeLimits = readWebhookSizeLimits(),
): SpecValidationResult {
  const result = schemaFor(limits).safeParse(input, { error: describeIssue });
  if (result.success) return { ok: true, spec: result.data };
  return { ok: false, error: new JobSpecValidationError(toProblems(result.error.issues)) };
}

/** Like validateJobSpec, but throws JobSpecValidationError. */
export function parseJobSpec(input: unknown, limits?: WebhookSizeLimits): JobSpec {
  const result = validateJobSpec(input, limits);
  if (!result.ok) throw result.error;
  return result.spec;
}

/**
 * A value of a union (such as a preset name or an object) that failed inside one branch only, an
 * object with a bad field, is reported by that field's problems rather than by the union's.
 */
function expandUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || 'discriminator' in issue) return [issue];
    const inside = issue.errors.filter((branch) => branch.every((nested) => nested.path.length > 0));
    if (inside.length !== 1) return [issue];
    return expandUnions(inside[0] ?? []).map((nested) => ({
      ...nested,
      path: [...issue.path, ...nested.path],
    }));
  });
}

function toProblems(issues: readonly z.core.$ZodIssue[]): SpecProblem[] {
  const seen = new Set<string>();
  const problems: SpecProblem[] = [];
  for (const issue of expandUnions(issues)) {
    const path = issue.path.map((element) => (typeof element === 'symbol' ? String(element) : element));
    const problem = { path, message: issue.message };
    const key = JSON.stringify(problem);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a valid string',
  number: 'a valid number',
  int: 'a valid integer',
  boolean: 'a valid boolean',
  array: 'a valid list',
  object: 'an object',
  record: 'an object',
};

function quoteChoices(values: readonly unknown[]): string {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

const SIZE_UNITS: Record<string, [string, string]> = {
  string: ['String', 'characters'],
  array: ['List', 'items'],
  set: ['Set', 'items'],
};

/** Issue messages worded like the old service's (Pydantic) messages, which clients already show. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Field required';
      return `Input should be ${TYPE_NAMES[issue.expected] ?? `of type ${issue.expected}`}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? issue.minimum : issue.maximum;
      const units = SIZE_UNITS[issue.origin];
      if (units) {
        const unit = Number(bound) === 1 ? units[1].slice(0, -1) : units[1];
        return `${units[0]} should have at ${small ? 'least' : 'most'} ${bound} ${unit}`;
      }
      const relation = small ? 'greater than' : 'less than';
      return `Input should be ${relation}${issue.inclusive ? ' or equal to' : ''} ${bound}`;
    }
    case 'invalid_value':
      if (issue.values.length > 12) return 'Input should be one of the values listed in the spec reference';
      return `Input should be ${quoteChoices(issue.values)}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator === 'type')
        return "Input should be 'tts' or 'audio'";
      return undefined;
    case 'invalid_format':
      if (issue.format === 'url') return 'Input should be a valid http(s) URL';
      return undefined;
    default:
      return undefined;
  }
}
