// npm run schema: writes the JSON Schema and the Markdown reference of the job spec from the zod
// schema. Tests fail when the committed files drift from it.
import { writeFile } from 'node:fs/promises';
import { renderJobSpecJsonSchema, renderSpecReference } from '@auto-vid/shared';

const root = new URL('..', import.meta.url);
await writeFile(new URL('shared-layer/schema/job-spec.schema.json', root), renderJobSpecJsonSchema());
await writeFile(new URL('docs/job-spec.md', root), renderSpecReference());
process.stdout.write('wrote shared-layer/schema/job-spec.schema.json and docs/job-spec.md\n');
