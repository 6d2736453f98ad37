/**
 * SSML as Amazon Polly accepts it, checked at submit so that a text Polly would refuse (or that the
 * local engine would turn into hours of silence) is a 400 naming the field, not a failed render.
 * The check is deliberately narrow: well-formed XML inside one `<speak>`, only Polly's tags, and a
 * `<break>` of at most 10 seconds.
 */

/** Every tag Polly reads, its own extensions included. */
const POLLY_SSML_TAGS = new Set([
  'speak',
  'break',
  'emphasis',
  'lang',
  'mark',
  'p',
  'phoneme',
  'prosody',
  's',
  'say-as',
  'sub',
  'w',
  'amazon:auto-breaths',
  'amazon:breath',
  'amazon:domain',
  'amazon:effect',
]);

const BREAK_STRENGTHS = new Set(['none', 'x-weak', 'weak', 'medium', 'strong', 'x-strong']);

/** Polly's longest pause. */
export const MAX_SSML_BREAK_MS = 10_000;

const NAME = String.raw`[A-Za-z][\w.:-]*`;
const ATTRIBUTE = new RegExp(String.raw`^\s+(${NAME})\s*=\s*(?:"([^"<]*)"|'([^'<]*)')`);
const OPEN_TAG = new RegExp(`^<(${NAME})`);
const CLOSE_TAG = new RegExp(String.raw`^</(${NAME})\s*>`);
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d{1,7}|#x[\da-fA-F]{1,6});/;

interface Tag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly selfClosing: boolean;
  readonly length: number;
}

/** The first reason Polly would refuse this SSML, or undefined when it is acceptable. */
export function findSsmlProblem(ssml: string): string | undefined {
  const open: string[] = [];
  let seenRoot = false;
  let i = 0;
  while (i < ssml.length) {
    const rest = ssml.slice(i);
    const char = ssml[i];
    if (char === '&') {
      const entity = ENTITY.exec(rest);
      if (!entity) return `SSML has a bare '&' at character ${i + 1}; write it as &amp;`;
      i += entity[0].length;
    } else if (char === '<' && rest.startsWith('</')) {
      const close = CLOSE_TAG.exec(rest);
      if (!close) return `SSML has a malformed closing tag at character ${i + 1}`;
      const expected = open.pop();
      if (close[1] !== expected) {
        return expected
          ? `SSML closes <${close[1]}> where <${expected}> is open`
          : `SSML closes <${close[1]}>, which is not open`;
      }
      i += close[0].length;
    } else if (char === '<') {
      const tag = readTag(rest);
      if (typeof tag === 'string') return `${tag} at character ${i + 1}`;
      if (open.length === 0 && (seenRoot || tag.name !== 'speak')) {
        return 'SSML must be one <speak> element holding all the text';
      }
      const problem = checkTag(tag);
      if (problem) return problem;
      seenRoot = true;
      if (!tag.selfClosing) open.push(tag.name);
      i += tag.length;
    } else {
      if (open.length === 0 && !/\s/.test(char ?? '')) {
        return 'SSML must be one <speak> element holding all the text';
      }
      i += 1;
    }
  }
  if (!seenRoot) return 'SSML must be one <speak> element holding all the text';
  const unclosed = open.pop();
  return unclosed ? `SSML leaves <${unclosed}> unclosed` : undefined;
}

/** Reads `<name attr="value" …>` or `<name … />`; a string says what is malformed. */
function readTag(text: string): Tag | string {
  const start = OPEN_TAG.exec(text);
  if (!start?.[1]) return 'SSML has a malformed tag';
  const attributes = new Map<string, string>();
  let i = start[0].length;
  for (;;) {
    const attribute = ATTRIBUTE.exec(text.slice(i));
    if (!attribute?.[1]) break;
    if (attributes.has(attribute[1])) return `SSML repeats the attribute '${attribute[1]}'`;
    attributes.set(attribute[1], attribute[2] ?? attribute[3] ?? '');
    i += attribute[0].length;
  }
  const end = /^\s*(\/?)>/.exec(text.slice(i));
  if (!end) return `SSML has a malformed <${start[1]}> tag`;
  return { name: start[1], attributes, selfClosing: end[1] === '/', length: i + end[0].length };
}

function checkTag(tag: Tag): string | undefined {
  if (!POLLY_SSML_TAGS.has(tag.name)) return `SSML tag <${tag.name}> is not one Amazon Polly supports`;
  if (tag.name !== 'break') return undefined;
  const strength = tag.attributes.get('strength');
  if (strength !== undefined && !BREAK_STRENGTHS.has(strength)) {
    return `SSML break strength '${strength}' is not one of ${[...BREAK_STRENGTHS].join(', ')}`;
  }
  const time = tag.attributes.get('time');
  if (time === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(time);
  if (!match) return `SSML break time '${time}' must be a number of seconds or milliseconds, such as '2s'`;
  const ms = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  if (ms > MAX_SSML_BREAK_MS) return `SSML break time '${time}' is longer than Polly's limit of 10s`;
  return undefined;
}
