// npm run schema: writes the JSON Schema and the Markdown reference of the job spec, the OpenAPI
// document of the API and the client's types, from the zod schemas. Tests fail when a committed
// file drifts.
import { writeFile } from 'node:fs/promises';
import { renderJobSpecJsonSchema, renderSpecReference } from '@auto-vid/shared';
import { openApiDocument, renderOpenApiDocument } from '../src/api/openapi.ts';
import { renderClientTypes } from './client-types.ts';

const root = new URL('..', import.meta.url);
await writeFile(new URL('shared-layer/schema/job-spec.schema.json', root), renderJobSpecJsonSchema());
await writeFile(new URL('docs/job-spec.md', root), renderSpecReference());
await writeFile(new URL('docs/openapi.json', root), renderOpenApiDocument());
await writeFile(new URL('client/src/contract.ts', root), await renderClientTypes(openApiDocument()));
process.stdout.write(
  'wrote shared-layer/schema/job-spec.schema.json, docs/job-spec.md, docs/openapi.json and client/src/contract.ts\n',
);
