/** Polly's per-request limit on billed characters for SynthesizeSpeech. */
export const POLLY_MAX_CHARS = 3000;

/**
 * Splits plain text into parts of at most `max` characters, at sentence ends where possible, then
 * at spaces, then anywhere. Joining the parts with spaces gives the text back.
 */
export function splitPlainText(text: string, max = POLLY_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const sentenceEnd = Math.max(...['. ', '! ', '? ', '。', '\n'].map((mark) => window.lastIndexOf(mark)));
    const space = window.lastIndexOf(' ');
    const cut = sentenceEnd > max / 2 ? sentenceEnd + 1 : space > max / 2 ? space : max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/**
 * Splits SSML between top-level elements of <speak> so each part stays under `max` characters
 * once wrapped in its own <speak>. A single top-level element longer than that stays whole.
 */
export function splitSsml(ssml: string, max = POLLY_MAX_CHARS): string[] {
  const inner = /^\s*<speak[^>]*>([\s\S]*)<\/speak>\s*$/.exec(ssml)?.[1];
  if (inner === undefined || ssml.length <= max) return [ssml];
  const pieces = topLevelPieces(inner);
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current.length > 0 && current.length + piece.length + 15 > max) {
      parts.push(`<speak>${current}</speak>`);
      current = '';
    }
    current += piece;
  }
  if (current.trim().length > 0) parts.push(`<speak>${current}</speak>`);
  return parts;
}

/** Top-level text runs and elements of an SSML body, in order. */
function topLevelPieces(body: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  const tag = /<(\/?)([a-zA-Z:-]+)[^>]*?(\/?)>/g;
  for (let match = tag.exec(body); match; match = tag.exec(body)) {
    const [whole, closing, , selfClosing] = match;
    if (depth === 0 && match.index > start) {
      pieces.push(body.slice(start, match.index));
      start = match.index;
    }
    if (selfClosing) {
      if (depth === 0) {
        pieces.push(whole);
        start = match.index + whole.length;
      }
    } else if (closing) {
      depth--;
      if (depth === 0) {
        pieces.push(body.slice(start, match.index + whole.length));
        start = match.index + whole.length;
      }
    } else {
      depth++;
    }
  }
  if (start < body.length) pieces.push(body.slice(start));
  return pieces.filter((p) => p.length > 0);
}
