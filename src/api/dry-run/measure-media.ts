import type { JobSpec, SpecProblem } from '@auto-vid/shared';
import { type MediaFacts, type MediaFactsReader, type MediaKind, MediaReadError } from './media-facts.ts';

/** Files read at once: a spec may name a hundred audio assets. */
const READ_CONCURRENCY = 8;

/**
 * All of a dry run's reading, whatever the number of files: well under API Gateway's 29 s, so the
 * client gets this API's 400 naming the slow file, not the gateway's 504.
 */
export const MEDIA_DEADLINE_MS = 20_000;

interface MediaToRead {
  readonly path: (string | number)[];
  readonly source: string;
  readonly kind: MediaKind;
  readonly audioId?: string;
}

/** One audio asset's measured length, with its id and its field. */
export interface MeasuredAudio {
  readonly id: string;
  readonly path: (string | number)[];
  readonly seconds: number;
}

export type MeasuredMedia =
  | { readonly ok: true; readonly video: MediaFacts; readonly audio: readonly MeasuredAudio[] }
  | { readonly ok: false; readonly problems: SpecProblem[] };

/** The source video, then each audio asset the music or the timeline plays (as the renderer reads them). */
function mediaToRead(spec: JobSpec): MediaToRead[] {
  const played = new Set([
    ...(spec.backgroundMusic?.playlist ?? []),
    ...spec.timeline.flatMap((event) => (event.type === 'audio' ? [event.data.assetId] : [])),
  ]);
  return [
    { path: ['assets', 'video', 'source'], source: spec.assets.video.source, kind: 'video' },
    ...spec.assets.audio.flatMap((asset, i): MediaToRead[] =>
      played.has(asset.id)
        ? [{ path: ['assets', 'audio', i, 'source'], source: asset.source, kind: 'audio', audioId: asset.id }]
        : [],
    ),
  ];
}

/** Runs `task` over `items`, `limit` at a time; results in the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Reads the facts of every file the render would use. A file that cannot be read is a problem
 * naming its field; anything else (a fault of this code) is thrown.
 */
export async function measureMedia(
  spec: JobSpec,
  reader: MediaFactsReader,
  deadlineMs = MEDIA_DEADLINE_MS,
): Promise<MeasuredMedia> {
  const signal = AbortSignal.timeout(deadlineMs);
  const targets = mediaToRead(spec);
  const outcomes = await mapLimited(targets, READ_CONCURRENCY, async (target) => {
    try {
      return { target, facts: await reader.read(target.source, target.kind, signal) };
    } catch (error) {
      if (!(error instanceof MediaReadError)) throw error;
      return { target, problem: { path: target.path, message: error.message } };
    }
  });
  const problems = outcomes.flatMap((outcome) => (outcome.problem ? [outcome.problem] : []));
  const [video] = outcomes;
  if (problems.length > 0 || !video?.facts) return { ok: false, problems };
  const audio = outcomes.flatMap(({ target, facts }): MeasuredAudio[] =>
    target.audioId && facts ? [{ id: target.audioId, path: target.path, seconds: facts.duration }] : [],
  );
  return { ok: true, video: video.facts, audio };
}
