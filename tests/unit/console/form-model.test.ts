import { readFileSync } from 'node:fs';
import { POLLY_ENGINES, POLLY_VOICE_IDS, validateJobSpec } from '@auto-vid/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_FORM,
  type FormModel,
  formFromSpec,
  specFromForm,
} from '../../../console/src/editor/form-model.ts';

/** A form with a video, two music tracks, two narration lines and one effect between them. */
function buildForm(overrides: Partial<FormModel> = {}): FormModel {
  return {
    title: 'Launch teaser',
    filename: 'teaser.mp4',
    videoSource: 's3://media-bucket/clips/teaser.mp4',
    musicSources: ['s3://media-bucket/music/calm.mp3', 's3://media-bucket/music/drive.mp3'],
    musicVolume: 0.25,
    crossfade: 3,
    loop: false,
    narration: [
      { start: 1, text: 'Meet auto-vid.', voiceId: 'Joanna', engine: 'neural', duckingLevel: 0.2 },
      { start: 6.5, text: 'It ships today.', voiceId: 'Matthew', engine: 'standard', duckingLevel: 0.3 },
    ],
    effects: [{ start: 4, source: 's3://media-bucket/sfx/whoosh.wav', volume: 0.8 }],
    ...overrides,
  };
}

/** The spec as the page keeps it: written as JSON text and read back. */
const throughText = (spec: unknown): unknown => JSON.parse(JSON.stringify(spec));

describe('specFromForm', () => {
  it('writes the spec the form stands for, with the timeline in start order', () => {
    expect(specFromForm(buildForm())).toEqual({
      jobInfo: { title: 'Launch teaser' },
      assets: {
        video: { id: 'video', source: 's3://media-bucket/clips/teaser.mp4' },
        audio: [
          { id: 'music-1', source: 's3://media-bucket/music/calm.mp3' },
          { id: 'music-2', source: 's3://media-bucket/music/drive.mp3' },
          { id: 'effect-1', source: 's3://media-bucket/sfx/whoosh.wav' },
        ],
      },
      backgroundMusic: { playlist: ['music-1', 'music-2'], loop: false, volume: 0.25, crossfadeDuration: 3 },
      timeline: [
        {
          start: 1,
          type: 'tts',
          data: {
            text: 'Meet auto-vid.',
            providerConfig: { voiceId: 'Joanna', engine: 'neural' },
            duckingLevel: 0.2,
          },
        },
        { start: 4, type: 'audio', data: { assetId: 'effect-1', volume: 0.8 } },
        {
          start: 6.5,
          type: 'tts',
          data: {
            text: 'It ships today.',
            providerConfig: { voiceId: 'Matthew', engine: 'standard' },
            duckingLevel: 0.3,
          },
        },
      ],
      output: { filename: 'teaser.mp4' },
    });
  });

  it('writes a spec the API accepts', () => {
    const result = validateJobSpec(throughText(specFromForm(buildForm())));

    expect(result.ok ? 'valid' : result.error.message).toBe('valid');
  });

  it('leaves out jobInfo without a title and backgroundMusic without tracks', () => {
    const spec = specFromForm(buildForm({ title: '', musicSources: [] }));

    expect(Object.keys(spec)).toEqual(['assets', 'timeline', 'output']);
  });

  it('writes the empty form as a video, no audio, an empty timeline and the default file name', () => {
    expect(specFromForm(EMPTY_FORM)).toEqual({
      assets: { video: { id: 'video', source: '' }, audio: [] },
      timeline: [],
      output: { filename: 'video.mp4' },
    });
  });
});

describe('formFromSpec', () => {
  it('gives the form back from the spec it wrote', () => {
    const form = buildForm();

    expect(formFromSpec(throughText(specFromForm(form)))).toEqual({ ok: true, form });
  });

  it('gives back narration lines and effects in start order', () => {
    // Prepare
    const [first, second] = buildForm().narration;
    if (!first || !second) throw new Error('expected two narration lines');
    const form = buildForm({
      narration: [second, first],
      effects: [
        { start: 9, source: 's3://media-bucket/sfx/late.wav', volume: 1 },
        { start: 2, source: 's3://media-bucket/sfx/early.wav', volume: 0.5 },
      ],
    });
    // Act
    const reading = formFromSpec(specFromForm(form));
    // Assess
    expect(reading).toEqual({
      ok: true,
      form: { ...form, narration: [first, second], effects: [form.effects[1], form.effects[0]] },
    });
  });

  it("shows the music settings' defaults for a spec without music", () => {
    const reading = formFromSpec(
      specFromForm(buildForm({ musicSources: [], musicVolume: 0.9, loop: false })),
    );

    expect(reading).toMatchObject({
      ok: true,
      form: { musicSources: [], musicVolume: 0.3, crossfade: 2, loop: true },
    });
  });

  it('gives back any form whose lines are in start order (property)', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    const seconds = fc.double({ min: 0, max: 3600, noNaN: true });
    const byStart = <T extends { start: number }>(items: T[]) => [...items].sort((a, b) => a.start - b.start);
    const line = fc.record({
      start: seconds,
      text: fc.string({ minLength: 1 }),
      voiceId: fc.constantFrom(...POLLY_VOICE_IDS),
      engine: fc.constantFrom(...POLLY_ENGINES),
      duckingLevel: unit,
    });
    const effect = fc.record({ start: seconds, source: fc.string({ minLength: 1 }), volume: unit });
    const music = fc.oneof(
      fc.record({
        musicSources: fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 4 }),
        musicVolume: unit,
        crossfade: fc.double({ min: 0, max: 30, noNaN: true }),
        loop: fc.boolean(),
      }),
      fc.constant({
        musicSources: [] as string[],
        musicVolume: EMPTY_FORM.musicVolume,
        crossfade: EMPTY_FORM.crossfade,
        loop: EMPTY_FORM.loop,
      }),
    );
    const form = fc
      .record({
        title: fc.string(),
        filename: fc.string({ minLength: 1 }),
        videoSource: fc.string(),
        music,
        narration: fc.array(line, { maxLength: 5 }),
        effects: fc.array(effect, { maxLength: 5 }),
      })
      .map(
        ({ music, narration, effects, ...rest }): FormModel => ({
          ...rest,
          ...music,
          narration: byStart(narration),
          effects: byStart(effects),
        }),
      );

    fc.assert(
      fc.property(form, (generated) => {
        expect(formFromSpec(throughText(specFromForm(generated)))).toEqual({ ok: true, form: generated });
      }),
    );
  });

  it("reads a sound effect without volume at the contract's default, 0.5", () => {
    const spec = throughText(specFromForm(buildForm())) as {
      timeline: { type: string; data: Record<string, unknown> }[];
    };
    const effect = spec.timeline.find((event) => event.type === 'audio');
    delete effect?.data.volume;
    const read = formFromSpec(spec);
    expect(read.ok && read.form.effects[0]?.volume).toBe(0.5);
  });

  it('keeps a narration line without duckingLevel without one, so it ducks nothing', () => {
    const form = buildForm({
      narration: [{ start: 1, text: 'No ducking here.', voiceId: 'Joanna', engine: 'neural' }],
    });
    const spec = throughText(specFromForm(form)) as {
      timeline: { type: string; data: Record<string, unknown> }[];
    };
    expect(spec.timeline.find((event) => event.type === 'tts')?.data).toEqual({
      text: 'No ducking here.',
      providerConfig: { voiceId: 'Joanna', engine: 'neural' },
    });
    const read = formFromSpec(spec);
    expect(read.ok && specFromForm(read.form)).toEqual(spec);
  });

  it('refuses a spec with an audio asset nothing plays, which the form would drop', () => {
    const spec = throughText(specFromForm(buildForm())) as {
      assets: { audio: { id: string; source: string }[] };
    };
    spec.assets.audio.push({ id: 'spare', source: 's3://media-bucket/music/spare.mp3' });
    expect(formFromSpec(spec)).toEqual({
      ok: false,
      reason: 'the form has no place for assets.audio[3], which nothing plays',
    });
  });

  describe('specs the form cannot show', () => {
    /** The spec of buildForm(), typed as far as these cases change it. */
    interface WrittenSpec {
      [field: string]: unknown;
      jobInfo: Record<string, unknown>;
      assets: { video: Record<string, unknown> };
      backgroundMusic: Record<string, unknown>;
      timeline: { type: string; data: Record<string, unknown> }[];
      output: Record<string, unknown>;
    }
    const firstTts = (spec: WrittenSpec) => {
      const first = spec.timeline[0];
      if (first?.type !== 'tts') throw new Error('expected a tts event first');
      return first.data;
    };

    it.each<[string, (spec: WrittenSpec) => void]>([
      [
        'output.captions',
        (spec) => {
          spec.output.captions = { burnIn: true };
        },
      ],
      [
        'timeline[0].data.providerConfig.textType',
        (spec) => {
          firstTts(spec).text = '<speak>Meet auto-vid.</speak>';
          firstTts(spec).providerConfig = { voiceId: 'Joanna', engine: 'neural', textType: 'ssml' };
        },
      ],
      [
        'timeline[0].data.duckingFadeDuration',
        (spec) => {
          firstTts(spec).duckingFadeDuration = 1;
        },
      ],
      [
        'backgroundMusic.fadeIn',
        (spec) => {
          spec.backgroundMusic.fadeIn = 2;
        },
      ],
      [
        'notifications',
        (spec) => {
          spec.notifications = { webhook: { url: 'https://example.com/hooks/video' } };
        },
      ],
      [
        'jobInfo.projectId',
        (spec) => {
          spec.jobInfo.projectId = 'p-1';
        },
      ],
      [
        'assets.video.audio',
        (spec) => {
          spec.assets.video.audio = { keep: true };
        },
      ],
    ])('refuses a valid spec with %s, naming it', (field, change) => {
      // Prepare
      const spec = specFromForm(buildForm()) as unknown as WrittenSpec;
      change(spec);
      expect(validateJobSpec(spec).ok).toBe(true);
      // Act
      const reading = formFromSpec(spec);
      // Assess
      expect(reading).toEqual({ ok: false, reason: `the form has no place for ${field}` });
    });

    it('refuses the demo spec for its notifications', () => {
      const demo = JSON.parse(
        readFileSync(new URL('../../../samples/demo.s3.json', import.meta.url), 'utf8'),
      );

      expect(formFromSpec(demo)).toEqual({ ok: false, reason: 'the form has no place for notifications' });
    });

    it('refuses a value that is not an object', () => {
      expect(formFromSpec([])).toEqual({ ok: false, reason: 'the spec is not an object' });
    });
  });
});
