import { readFileSync } from 'node:fs';
import { renderJobSpecJsonSchema, renderSpecReference } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';

describe('committed JSON Schema', () => {
  it('matches the zod schema (run npm run schema after changing the contract)', () => {
    const committed = readFileSync(
      new URL('../../shared-layer/schema/job-spec.schema.json', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderJobSpecJsonSchema());
  });

  it('has a Markdown reference that matches it too', () => {
    const committed = readFileSync(new URL('../../docs/job-spec.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderSpecReference());
  });

  it('describes the contract clients rely on', () => {
    const schema = JSON.parse(renderJobSpecJsonSchema());
    expect(schema.required).toEqual(['assets', 'timeline', 'output']);
    expect(schema.properties.backgroundMusic.properties.volume).toMatchObject({
      minimum: 0,
      maximum: 1,
      default: 0.3,
    });
    expect(schema.properties.timeline.maxItems).toBe(500);
    expect(schema.properties.output.properties.encoding.properties).toHaveProperty('audio_bitrate');
  });
});
