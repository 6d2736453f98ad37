import { getLocation, parse } from 'jsonc-parser';

/** What may be typed at the caret: `options` replace the text between `from` and `to`. */
export interface Completion {
  readonly from: number;
  readonly to: number;
  readonly options: readonly string[];
}

interface SpecShape {
  assets?: { video?: { id?: unknown }; audio?: { id?: unknown }[] };
}

/**
 * Completion inside a string value: an `assets.audio` id where the spec refers to one (a playlist
 * entry, a timeline event's `assetId`), an uploaded file's `s3://` source in an asset's `source`.
 * Only options that start with what is typed already (any case); undefined elsewhere.
 */
export function completionAt(
  text: string,
  offset: number,
  uploadedSources: readonly string[],
): Completion | undefined {
  const location = getLocation(text, offset);
  const node = location.previousNode;
  if (location.isAtPropertyKey || node?.type !== 'string') return undefined;
  const from = node.offset + 1;
  if (offset < from || offset > node.offset + node.length) return undefined;
  const candidates = candidatesFor(location.path, text, uploadedSources);
  if (candidates.length === 0) return undefined;
  const typed = text.slice(from, offset).toLowerCase();
  const options = candidates.filter((option) => option.toLowerCase().startsWith(typed));
  return options.length === 0 ? undefined : { from, to: offset, options };
}

function candidatesFor(
  path: readonly (string | number)[],
  text: string,
  uploadedSources: readonly string[],
): string[] {
  const [first, second, third, fourth] = path;
  const refersToAudio =
    (first === 'backgroundMusic' && second === 'playlist' && typeof third === 'number') ||
    (first === 'timeline' && typeof second === 'number' && third === 'data' && fourth === 'assetId');
  if (refersToAudio) return audioIds(text);
  if (first === 'assets' && path.at(-1) === 'source') return [...uploadedSources];
  return [];
}

/** The ids of `assets.audio`, read from text that may not parse whole. */
function audioIds(text: string): string[] {
  const spec = parse(text, [], { allowTrailingComma: true }) as SpecShape | undefined;
  const entries = Array.isArray(spec?.assets?.audio) ? spec.assets.audio : [];
  const ids = entries
    .map((entry) => entry?.id)
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)];
}

/** The text with a completion's option put in. */
export function applyCompletion(text: string, completion: Completion, option: string): string {
  return `${text.slice(0, completion.from)}${option}${text.slice(completion.to)}`;
}
