/**
 * The form mode's model: the common job (one video, a music playlist, narration lines, sound
 * effects) and the JSON it stands for. The form writes the same spec the JSON editor holds; a spec
 * that uses any field the form does not show stays in JSON, so switching never drops a field.
 */

export interface NarrationLine {
  start: number;
  text: string;
  voiceId: string;
  engine: string;
  /** The music's gain under this line; absent, the line does not duck the music. */
  duckingLevel?: number;
}

export interface EffectClip {
  start: number;
  source: string;
  volume: number;
}

export interface FormModel {
  title: string;
  filename: string;
  videoSource: string;
  musicSources: string[];
  musicVolume: number;
  crossfade: number;
  loop: boolean;
  narration: NarrationLine[];
  effects: EffectClip[];
}

export const EMPTY_FORM: FormModel = {
  title: '',
  filename: 'video.mp4',
  videoSource: '',
  musicSources: [],
  musicVolume: 0.3,
  crossfade: 2,
  loop: true,
  narration: [],
  effects: [],
};

type Json = Record<string, unknown>;

/** The contract's default gain of an audio event (`timeline[].data.volume`). */
const EFFECT_VOLUME_DEFAULT = 0.5;

/** The spec the form stands for; asset ids are `video`, `music-<n>` and `effect-<n>`. */
export function specFromForm(form: FormModel): Json {
  const music = form.musicSources.map((source, index) => ({ id: `music-${index + 1}`, source }));
  const effects = form.effects.map((effect, index) => ({ id: `effect-${index + 1}`, source: effect.source }));
  const timeline = [
    ...form.narration.map((line) => ({
      start: line.start,
      type: 'tts',
      data: {
        text: line.text,
        providerConfig: { voiceId: line.voiceId, engine: line.engine },
        ...(line.duckingLevel === undefined ? {} : { duckingLevel: line.duckingLevel }),
      },
    })),
    ...form.effects.map((effect, index) => ({
      start: effect.start,
      type: 'audio',
      data: { assetId: `effect-${index + 1}`, volume: effect.volume },
    })),
  ].sort((a, b) => a.start - b.start);
  return {
    ...(form.title ? { jobInfo: { title: form.title } } : {}),
    assets: { video: { id: 'video', source: form.videoSource }, audio: [...music, ...effects] },
    ...(music.length > 0
      ? {
          backgroundMusic: {
            playlist: music.map((track) => track.id),
            loop: form.loop,
            volume: form.musicVolume,
            crossfadeDuration: form.crossfade,
          },
        }
      : {}),
    timeline,
    output: { filename: form.filename },
  };
}

export type FormReading =
  | { readonly ok: true; readonly form: FormModel }
  | { readonly ok: false; readonly reason: string };

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields outside `allowed`, named with their path. */
function extraField(value: Json, allowed: readonly string[], path: string): string | undefined {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined ? undefined : `${path}${path ? '.' : ''}${extra}`;
}

/**
 * The form for a spec, when the form can show all of it; otherwise the first field it cannot
 * (`timeline[2].data.textType`), so the page can say why the JSON stays.
 */
export function formFromSpec(spec: unknown): FormReading {
  if (!isObject(spec)) return { ok: false, reason: 'the spec is not an object' };
  const refuse = (field: string): FormReading => ({
    ok: false,
    reason: `the form has no place for ${field}`,
  });
  const top = extraField(spec, ['$schema', 'jobInfo', 'assets', 'backgroundMusic', 'timeline', 'output'], '');
  if (top) return refuse(top);
  const jobInfo = isObject(spec.jobInfo) ? spec.jobInfo : {};
  const infoExtra = extraField(jobInfo, ['title'], 'jobInfo');
  if (infoExtra) return refuse(infoExtra);
  const output = isObject(spec.output) ? spec.output : {};
  const outputExtra = extraField(output, ['filename'], 'output');
  if (outputExtra) return refuse(outputExtra);
  const assets = isObject(spec.assets) ? spec.assets : {};
  const video = isObject(assets.video) ? assets.video : {};
  const videoExtra = extraField(video, ['id', 'source'], 'assets.video');
  if (videoExtra) return refuse(videoExtra);
  const audio = new Map<string, string>();
  for (const entry of Array.isArray(assets.audio) ? assets.audio : []) {
    if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.source !== 'string')
      return refuse('an audio asset without a text id and source');
    audio.set(entry.id, entry.source);
  }
  const music = readMusic(spec.backgroundMusic, audio);
  if (!music.ok) return refuse(music.field);
  const timeline = readTimeline(spec.timeline, audio);
  if (!timeline.ok) return refuse(timeline.field);
  // The form names audio only by where it plays: an asset played nowhere would be dropped.
  const played = new Set([...music.value.musicSources, ...timeline.value.effects.map((e) => e.source)]);
  const idle = [...audio.entries()].findIndex(([, source]) => !played.has(source));
  if (idle >= 0) return refuse(`assets.audio[${idle}], which nothing plays`);
  return {
    ok: true,
    form: {
      title: typeof jobInfo.title === 'string' ? jobInfo.title : '',
      filename: typeof output.filename === 'string' ? output.filename : EMPTY_FORM.filename,
      videoSource: typeof video.source === 'string' ? video.source : '',
      ...music.value,
      ...timeline.value,
    },
  };
}

type Read<T> = { ok: true; value: T } | { ok: false; field: string };

function readMusic(
  value: unknown,
  audio: ReadonlyMap<string, string>,
): Read<Pick<FormModel, 'musicSources' | 'musicVolume' | 'crossfade' | 'loop'>> {
  if (value === undefined) {
    const { musicVolume, crossfade, loop } = EMPTY_FORM;
    return { ok: true, value: { musicSources: [], musicVolume, crossfade, loop } };
  }
  if (!isObject(value)) return { ok: false, field: 'backgroundMusic' };
  const extra = extraField(value, ['playlist', 'loop', 'volume', 'crossfadeDuration'], 'backgroundMusic');
  if (extra) return { ok: false, field: extra };
  const playlist = Array.isArray(value.playlist) ? value.playlist : [];
  const sources = playlist.map((id) => (typeof id === 'string' ? audio.get(id) : undefined));
  if (sources.some((source) => source === undefined)) return { ok: false, field: 'backgroundMusic.playlist' };
  return {
    ok: true,
    value: {
      musicSources: sources as string[],
      musicVolume: typeof value.volume === 'number' ? value.volume : 0.3,
      crossfade: typeof value.crossfadeDuration === 'number' ? value.crossfadeDuration : 2,
      loop: typeof value.loop === 'boolean' ? value.loop : true,
    },
  };
}

function readTimeline(
  value: unknown,
  audio: ReadonlyMap<string, string>,
): Read<Pick<FormModel, 'narration' | 'effects'>> {
  const narration: NarrationLine[] = [];
  const effects: EffectClip[] = [];
  const events = Array.isArray(value) ? value : [];
  for (const [index, event] of events.entries()) {
    const at = `timeline[${index}]`;
    if (!isObject(event) || !isObject(event.data) || typeof event.start !== 'number')
      return { ok: false, field: at };
    const eventExtra = extraField(event, ['start', 'type', 'data'], at);
    if (eventExtra) return { ok: false, field: eventExtra };
    const data = event.data;
    if (event.type === 'tts') {
      const extra = extraField(data, ['text', 'providerConfig', 'duckingLevel'], `${at}.data`);
      const config = isObject(data.providerConfig) ? data.providerConfig : {};
      const configExtra = extraField(config, ['voiceId', 'engine'], `${at}.data.providerConfig`);
      if (extra || configExtra) return { ok: false, field: (extra ?? configExtra) as string };
      narration.push({
        start: event.start,
        text: typeof data.text === 'string' ? data.text : '',
        voiceId: typeof config.voiceId === 'string' ? config.voiceId : 'Joanna',
        engine: typeof config.engine === 'string' ? config.engine : 'neural',
        ...(typeof data.duckingLevel === 'number' ? { duckingLevel: data.duckingLevel } : {}),
      });
    } else {
      const extra = extraField(data, ['assetId', 'volume'], `${at}.data`);
      const source = typeof data.assetId === 'string' ? audio.get(data.assetId) : undefined;
      if (extra || source === undefined) return { ok: false, field: extra ?? `${at}.data.assetId` };
      const volume = typeof data.volume === 'number' ? data.volume : EFFECT_VOLUME_DEFAULT;
      effects.push({ start: event.start, source, volume });
    }
  }
  return { ok: true, value: { narration, effects } };
}
