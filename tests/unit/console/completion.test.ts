import { describe, expect, it } from 'vitest';
import { applyCompletion, completionAt } from '../../../console/src/editor/completion.ts';

const UPLOADED = ['s3://media-bucket/uploads/intro.mp4', 's3://media-bucket/uploads/Theme.mp3'];

const ASSETS =
  '"assets": { "video": { "id": "main", "source": "s3://media-bucket/v.mp4" }, "audio": [' +
  '{ "id": "Track-a", "source": "s3://media-bucket/a.mp3" }, ' +
  '{ "id": "track-b", "source": "s3://media-bucket/b.mp3" }, ' +
  '{ "id": "whoosh", "source": "s3://media-bucket/w.wav" }] }';

/** Text written with a `|` where the caret is: the text without it, and the caret's offset. */
function caretIn(written: string): { text: string; offset: number } {
  const offset = written.indexOf('|');
  expect(offset).toBeGreaterThanOrEqual(0);
  return { text: written.slice(0, offset) + written.slice(offset + 1), offset };
}

/** The completion at the caret, with the text its range covers. */
function completeAt(written: string, uploaded: readonly string[] = UPLOADED) {
  const { text, offset } = caretIn(written);
  const completion = completionAt(text, offset, uploaded);
  return completion && { ...completion, replaced: text.slice(completion.from, completion.to) };
}

describe('completionAt', () => {
  describe('audio ids', () => {
    it('offers the assets.audio ids that start with what is typed in a playlist entry, in any case', () => {
      // Prepare
      const written = `{ ${ASSETS}, "backgroundMusic": { "playlist": ["TR|"] } }`;
      const { text, offset } = caretIn(written);
      // Act
      const completion = completionAt(text, offset, UPLOADED);
      // Assess
      const contentStart = text.indexOf('"TR"') + 1;
      expect(completion).toEqual({ from: contentStart, to: offset, options: ['Track-a', 'track-b'] });
    });

    it('offers every id in an empty playlist string', () => {
      expect(completeAt(`{ ${ASSETS}, "backgroundMusic": { "playlist": ["track-a", "|"] } }`)).toMatchObject({
        options: ['Track-a', 'track-b', 'whoosh'],
        replaced: '',
      });
    });

    it("offers the ids in a timeline event's assetId", () => {
      expect(
        completeAt(
          `{ ${ASSETS}, "timeline": [{ "start": 2, "type": "audio", "data": { "assetId": "wh|" } }] }`,
        ),
      ).toMatchObject({ options: ['whoosh'], replaced: 'wh' });
    });

    it('replaces only up to the caret, not the rest of the string', () => {
      expect(completeAt(`{ ${ASSETS}, "backgroundMusic": { "playlist": ["track|-b"] } }`)).toMatchObject({
        options: ['Track-a', 'track-b'],
        replaced: 'track',
      });
    });

    it('offers each id once when assets.audio repeats one', () => {
      const assets =
        '"assets": { "audio": [{ "id": "whoosh" }, { "id": "whoosh" }, { "id": "" }, { "id": 3 }] }';

      expect(completeAt(`{ ${assets}, "backgroundMusic": { "playlist": ["|"] } }`)).toMatchObject({
        options: ['whoosh'],
      });
    });

    it('still completes in an unfinished spec that does not parse whole', () => {
      expect(
        completeAt(`{ ${ASSETS}, "timeline": [{ "start": 2, "type": "audio", "data": { "assetId": "w|`),
      ).toMatchObject({ options: ['whoosh'], replaced: 'w' });
    });

    it('is undefined when no id starts with what is typed', () => {
      expect(completeAt(`{ ${ASSETS}, "backgroundMusic": { "playlist": ["x|"] } }`)).toBeUndefined();
    });

    it('is undefined when the spec has no audio assets', () => {
      expect(completeAt('{ "backgroundMusic": { "playlist": ["|"] } }')).toBeUndefined();
    });
  });

  describe('uploaded sources', () => {
    it("offers the uploaded files in assets.video's source", () => {
      expect(completeAt('{ "assets": { "video": { "id": "main", "source": "s3|" } } }')).toMatchObject({
        options: UPLOADED,
        replaced: 's3',
      });
    });

    it("offers the uploaded files that start with what is typed in an audio asset's source, in any case", () => {
      expect(
        completeAt('{ "assets": { "audio": [{ "id": "a", "source": "S3://MEDIA-bucket/uploads/t|" }] } }'),
      ).toMatchObject({ options: ['s3://media-bucket/uploads/Theme.mp3'] });
    });

    it('is undefined when nothing was uploaded', () => {
      expect(completeAt('{ "assets": { "video": { "id": "main", "source": "|" } } }', [])).toBeUndefined();
    });
  });

  describe('places without completion', () => {
    it.each([
      ['a property key', `{ ${ASSETS}, "backgroundMusic": { "play|list": ["tr"] } }`],
      ['a number', `{ ${ASSETS}, "backgroundMusic": { "volume": 0.|3, "playlist": [] } }`],
      ['an unrelated string', `{ ${ASSETS}, "output": { "filename": "tr|" } }`],
      ["an asset's id", '{ "assets": { "video": { "id": "s3|" } } }'],
      ['a playlist before its opening quote', `{ ${ASSETS}, "backgroundMusic": { "playlist": [|"tr"] } }`],
      ['a playlist after its closing quote', `{ ${ASSETS}, "backgroundMusic": { "playlist": ["tr"|] } }`],
    ])('gives nothing in %s', (_place, written) => {
      expect(completeAt(written)).toBeUndefined();
    });
  });
});

describe('applyCompletion', () => {
  it('puts the option in place of what was typed and keeps what follows', () => {
    // Prepare
    const { text, offset } = caretIn(`{ ${ASSETS}, "backgroundMusic": { "playlist": ["tr|", "whoosh"] } }`);
    const completion = completionAt(text, offset, UPLOADED);
    if (!completion) throw new Error('expected a completion');
    // Act
    const applied = applyCompletion(text, completion, 'track-b');
    // Assess
    expect(applied).toBe(`{ ${ASSETS}, "backgroundMusic": { "playlist": ["track-b", "whoosh"] } }`);
  });
});
