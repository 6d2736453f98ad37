import { POLLY_ENGINES, POLLY_VOICE_IDS } from '../../../shared-layer/src/polly-voices.ts';
import type { UploadedAsset } from '../session.ts';
import type { EffectClip, FormModel, NarrationLine } from './form-model.ts';

type Change = (form: FormModel) => void;

/** The common job as a form; every change writes the JSON spec again (form-model.ts). */
export function SpecForm({
  form,
  uploads,
  onChange,
}: {
  form: FormModel;
  uploads: readonly UploadedAsset[];
  onChange: Change;
}) {
  const set = (change: Partial<FormModel>) => onChange({ ...form, ...change });
  const videos = uploads.filter((u) => u.contentType.startsWith('video/'));
  const audio = uploads.filter((u) => u.contentType.startsWith('audio/'));
  return (
    <div class="spec-form">
      <datalist id="video-sources">
        {videos.map((u) => (
          <option value={u.source}>{u.name}</option>
        ))}
      </datalist>
      <datalist id="audio-sources">
        {audio.map((u) => (
          <option value={u.source}>{u.name}</option>
        ))}
      </datalist>
      <fieldset>
        <legend>Video</legend>
        <Field label="Title" value={form.title} onInput={(title) => set({ title })} />
        <Field
          label="Source"
          list="video-sources"
          value={form.videoSource}
          onInput={(videoSource) => set({ videoSource })}
        />
        <Field label="Output file name" value={form.filename} onInput={(filename) => set({ filename })} />
      </fieldset>
      <fieldset>
        <legend>Music playlist</legend>
        {form.musicSources.map((source, index) => (
          <div class="row">
            <Field
              label={`Track ${index + 1}`}
              list="audio-sources"
              value={source}
              onInput={(value) =>
                set({ musicSources: form.musicSources.map((s, i) => (i === index ? value : s)) })
              }
            />
            <button
              type="button"
              class="quiet"
              onClick={() => set({ musicSources: form.musicSources.filter((_, i) => i !== index) })}
            >
              Remove track {index + 1}
            </button>
          </div>
        ))}
        <button
          type="button"
          class="quiet"
          onClick={() => set({ musicSources: [...form.musicSources, audio[0]?.source ?? ''] })}
        >
          Add a track
        </button>
        <NumberField
          label="Music volume (0–1)"
          step={0.05}
          min={0}
          max={1}
          value={form.musicVolume}
          onInput={(musicVolume) => set({ musicVolume })}
        />
        <NumberField
          label="Crossfade (s)"
          step={0.5}
          min={0}
          value={form.crossfade}
          onInput={(crossfade) => set({ crossfade })}
        />
        <label class="check">
          <input
            type="checkbox"
            checked={form.loop}
            onChange={(e) => set({ loop: e.currentTarget.checked })}
          />{' '}
          Loop the playlist
        </label>
      </fieldset>
      <fieldset>
        <legend>Narration</legend>
        {form.narration.map((line, index) => (
          <NarrationRow
            line={line}
            index={index}
            onChange={(next) => set({ narration: replaceAt(form.narration, index, next) })}
          />
        ))}
        <button
          type="button"
          class="quiet"
          onClick={() =>
            set({
              narration: [
                ...form.narration,
                { start: 0, text: '', voiceId: 'Joanna', engine: 'neural', duckingLevel: 0.3 },
              ],
            })
          }
        >
          Add a narration line
        </button>
      </fieldset>
      <fieldset>
        <legend>Sound effects</legend>
        {form.effects.map((effect, index) => (
          <EffectRow
            effect={effect}
            index={index}
            onChange={(next) => set({ effects: replaceAt(form.effects, index, next) })}
          />
        ))}
        <button
          type="button"
          class="quiet"
          onClick={() =>
            set({ effects: [...form.effects, { start: 0, source: audio[0]?.source ?? '', volume: 1 }] })
          }
        >
          Add a sound effect
        </button>
      </fieldset>
    </div>
  );
}

/** The list with item `index` replaced, or removed when `next` is null. */
function replaceAt<T>(items: readonly T[], index: number, next: T | null): T[] {
  return items.flatMap((item, i) => (i !== index ? [item] : next === null ? [] : [next]));
}

function NarrationRow({
  line,
  index,
  onChange,
}: {
  line: NarrationLine;
  index: number;
  onChange: (next: NarrationLine | null) => void;
}) {
  const set = (change: Partial<NarrationLine>) => onChange({ ...line, ...change });
  return (
    <fieldset class="row">
      <legend class="visually-hidden">Narration line {index + 1}</legend>
      <NumberField
        label="Start (s)"
        step={0.1}
        min={0}
        value={line.start}
        onInput={(start) => set({ start })}
      />
      <Field label="Text" value={line.text} onInput={(text) => set({ text })} wide />
      <label>
        Voice
        <select value={line.voiceId} onChange={(e) => set({ voiceId: e.currentTarget.value })}>
          {POLLY_VOICE_IDS.map((voice) => (
            <option>{voice}</option>
          ))}
        </select>
      </label>
      <label>
        Engine
        <select value={line.engine} onChange={(e) => set({ engine: e.currentTarget.value })}>
          {POLLY_ENGINES.map((engine) => (
            <option>{engine}</option>
          ))}
        </select>
      </label>
      <NumberField
        label="Music under it (0–1)"
        step={0.05}
        min={0}
        max={1}
        value={line.duckingLevel}
        onInput={(duckingLevel) => set({ duckingLevel })}
        onClear={() => {
          const { duckingLevel: _none, ...rest } = line;
          onChange(rest);
        }}
      />
      <button type="button" class="quiet" onClick={() => onChange(null)}>
        Remove line {index + 1}
      </button>
    </fieldset>
  );
}

function EffectRow({
  effect,
  index,
  onChange,
}: {
  effect: EffectClip;
  index: number;
  onChange: (next: EffectClip | null) => void;
}) {
  const set = (change: Partial<EffectClip>) => onChange({ ...effect, ...change });
  return (
    <fieldset class="row">
      <legend class="visually-hidden">Sound effect {index + 1}</legend>
      <NumberField
        label="Start (s)"
        step={0.1}
        min={0}
        value={effect.start}
        onInput={(start) => set({ start })}
      />
      <Field
        label="Source"
        list="audio-sources"
        value={effect.source}
        onInput={(source) => set({ source })}
        wide
      />
      <NumberField
        label="Volume (0–1)"
        step={0.05}
        min={0}
        max={1}
        value={effect.volume}
        onInput={(volume) => set({ volume })}
      />
      <button type="button" class="quiet" onClick={() => onChange(null)}>
        Remove effect {index + 1}
      </button>
    </fieldset>
  );
}

function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  list?: string;
  wide?: boolean;
}) {
  return (
    <label class={props.wide ? 'wide' : undefined}>
      {props.label}
      <input
        type="text"
        list={props.list}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

function NumberField(props: {
  label: string;
  value: number | undefined;
  onInput: (value: number) => void;
  /** When given, the field may be emptied (the spec then leaves it out). */
  onClear?: () => void;
  step: number;
  min?: number;
  max?: number;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        step={props.step}
        min={props.min}
        max={props.max}
        value={props.value ?? ''}
        onInput={(e) => {
          const value = e.currentTarget.valueAsNumber;
          if (Number.isFinite(value)) props.onInput(value);
          else if (e.currentTarget.value === '') props.onClear?.();
        }}
      />
    </label>
  );
}
