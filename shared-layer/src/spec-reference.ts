import { SPEC_LIMITS } from './job-spec.ts';
import { generateJobSpecJsonSchema } from './json-schema.ts';
import { POLLY_VOICES } from './polly-voices.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
};

interface Row {
  path: string;
  type: string;
  required: boolean;
  rules: string;
  defaultValue: string;
  description: string;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum)
    return schema.enum.length > 12 ? 'string (enum)' : schema.enum.map((v) => `\`${v}\``).join(' / ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.oneOf?.every((v) => v.type === 'object')) return 'object';
  if (
    schema.type === 'object' &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object'
  ) {
    return `{string: ${typeOf(schema.additionalProperties)}}`;
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeOf).join(' \\| ');
  return Array.isArray(schema.type) ? schema.type.join(' \\| ') : (schema.type ?? 'any');
}

function rulesOf(schema: JsonSchema): string {
  return [
    schema.minimum !== undefined ? `≥ ${schema.minimum}` : '',
    schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : '',
    schema.maximum !== undefined ? `≤ ${schema.maximum}` : '',
    schema.minLength !== undefined ? `≥ ${schema.minLength} chars` : '',
    schema.maxLength !== undefined ? `≤ ${schema.maxLength} chars` : '',
    schema.maxItems !== undefined ? `≤ ${schema.maxItems} items` : '',
    schema.format ? `format ${schema.format}` : '',
    schema.enum && schema.enum.length > 12 ? `one of ${schema.enum.length} values` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function collect(schema: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  if (path !== '') {
    rows.push({
      path,
      type: typeOf(schema),
      required,
      rules: rulesOf(schema),
      defaultValue: schema.default === undefined ? '' : `\`${JSON.stringify(schema.default)}\``,
      description: schema.description ?? '',
    });
  }
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    for (const variant of variants) {
      const tag = variant.properties?.type?.const;
      collect(
        variant,
        tag === undefined ? path : `${path.replace(/\[\]$/, '')}[type=${tag}]`,
        required,
        rows,
      );
    }
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    collect(child, childPath, schema.required?.includes(key) ?? false, rows);
  }
  if (schema.type === 'array' && schema.items) {
    if (schema.items.properties || schema.items.oneOf || schema.items.anyOf)
      collect(schema.items, `${path}[]`, true, rows);
  }
}

/** The Markdown reference of the job spec, generated from its JSON Schema (docs/job-spec.md). */
export function renderSpecReference(): string {
  const rows: Row[] = [];
  collect(generateJobSpecJsonSchema() as JsonSchema, '', true, rows);
  const unique = rows.filter((row, i) => rows.findIndex((r) => r.path === row.path) === i);
  const table = unique
    .map(
      (r) =>
        `| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${r.defaultValue} | ${r.rules} | ${r.description} |`,
    )
    .join('\n');
  return `# Job specification reference

Generated from the zod schema in \`shared-layer/src/job-spec.ts\` by \`npm run schema\`; do not edit by
hand. The JSON Schema is \`shared-layer/schema/job-spec.schema.json\`.

Unknown keys are ignored (a \`"$schema"\` key is fine). Types are strict: \`"0.5"\` is not a number.

| field | type | required | default | rules | meaning |
|---|---|---|---|---|---|
${table}

## Rules the table cannot show
- Every \`backgroundMusic.playlist\` item and every audio event's \`data.assetId\` must be the \`id\` of an
  entry of \`assets.audio\`; audio asset ids are unique.
- Asset sources: \`s3://bucket/key\`, \`http://…\` / \`https://…\`, or a file path (local mode only:
  \`auto-vid render\` and the local stack; relative paths resolve against the working directory).
- \`output.destination\`: \`s3://bucket/prefix/\`, or a folder in local mode.
- \`output.filename\` is a plain file name: no \`/\`, \`\\\`, \`..\` or control characters.
- Safety limits: at most ${SPEC_LIMITS.maxTimelineEvents} timeline events, ${SPEC_LIMITS.maxAudioAssets} audio assets,
  ${SPEC_LIMITS.maxTtsTextChars.toLocaleString('en-US')} characters of text per TTS event and ${SPEC_LIMITS.maxTotalTtsTextChars.toLocaleString('en-US')} in all.
- \`notifications.webhook.headers\` and \`.metadata\`: their JSON text is at most \`WEBHOOK_MAX_HEADERS_SIZE\` /
  \`WEBHOOK_MAX_METADATA_SIZE\` bytes (1024 each by default). Header names are HTTP tokens; values carry
  no control characters.

## Polly voices
\`voiceId\` takes any Amazon Polly voice id; \`languageCode\` defaults to the voice's language. Not
every voice supports every engine: see Amazon Polly's voice list.

| voice | language | gender |
|---|---|---|
${Object.entries(POLLY_VOICES)
  .map(([id, voice]) => `| ${id} | ${voice.languageCode} | ${voice.gender} |`)
  .join('\n')}
`;
}
