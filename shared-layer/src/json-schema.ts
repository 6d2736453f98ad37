import { z } from 'zod';
import { jobSpecSchema } from './job-spec.ts';

/** The JSON Schema of the job spec as a client writes it (defaults optional), generated from zod. */
export function generateJobSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(jobSpecSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
}

/** The committed file's exact text: two-space JSON and a final newline. */
export function renderJobSpecJsonSchema(): string {
  return `${JSON.stringify(generateJobSpecJsonSchema(), null, 2)}\n`;
}
