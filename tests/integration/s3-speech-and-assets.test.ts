import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJobSpec } from '@auto-vid/shared';
import {
  PollyClient,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/aws/clients.ts';
import { fetchAsset } from '../../src/processor/assets/fetch-assets.ts';
import { AssetFetchError, SpeechSynthesisError } from '../../src/processor/errors.ts';
import { renderJob } from '../../src/processor/render-job.ts';
import { createPollySynthesizer } from '../../src/processor/speech/polly.ts';
import { createS3SpeechCache, withSpeechCache } from '../../src/processor/speech/speech-cache.ts';
import type { SpeechRequest } from '../../src/processor/speech/speech-synthesizer.ts';
import { useEmulators } from '../support/emulators.ts';
import {
  levelDb,
  makeTone,
  makeVideo,
  probeDuration,
  probeStreams,
  RATE,
  readPcm,
  TONE_DB,
} from '../support/media.ts';

const stack = useEmulators();
const media = mkdtempSync(join(tmpdir(), 'auto-vid-s3-media-'));
const freshDir = () => mkdtempSync(join(tmpdir(), 'auto-vid-s3-work-'));

/** An MP3 of `seconds` of tone, as Polly would send back. */
function mp3Bytes(name: string, seconds: number): Uint8Array {
  return new Uint8Array(readFileSync(makeTone(media, `${name}.mp3`, 440, seconds)));
}

function audioStream(bytes: Uint8Array): SynthesizeSpeechCommandOutput['AudioStream'] {
  return {
    transformToByteArray: async () => bytes,
    transformToString: async () => Buffer.from(bytes).toString('latin1'),
    transformToWebStream: () => new Blob([bytes]).stream(),
  } as unknown as SynthesizeSpeechCommandOutput['AudioStream'];
}

function speechRequest(text: string, config: Partial<SpeechRequest['providerConfig']> = {}): SpeechRequest {
  return { text, providerConfig: { voiceId: 'Joanna', engine: 'neural', textType: 'text', ...config } };
}

describe('fetching s3:// assets from the embedded S3', () => {
  it('streams each object to the job folder, bytes intact', async () => {
    const bucket = await stack.createBucket();
    const tone = readFileSync(makeTone(media, 'asset.wav', 330, 2));
    await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/tone.wav', Body: tone }));
    const directory = freshDir();
    const path = await fetchAsset({ id: 'tone', source: `s3://${bucket}/in/tone.wav` }, 1, {
      directory,
      localMode: false,
      s3: stack.s3,
    });
    expect(path.startsWith(directory)).toBe(true);
    expect(path.endsWith('.wav')).toBe(true);
    expect(Buffer.compare(readFileSync(path), tone)).toBe(0);
  });

  it('names the asset and says retrying cannot help when the key is missing', async () => {
    const bucket = await stack.createBucket();
    const source = `s3://${bucket}/in/nothing.mp3`;
    const error = await fetchAsset({ id: 'music', source }, 1, {
      directory: freshDir(),
      localMode: false,
      s3: stack.s3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetFetchError);
    expect((error as Error).message).toBe(
      `Asset 'music' (${source}) could not be fetched: not found (S3 NoSuchKey)`,
    );
    expect((error as AssetFetchError).retryable).toBe(false);
  });

  it('tells a refused key from a missing one: AccessDenied is a final "access denied"', async () => {
    // What S3 answers a role that may not read the key (the embedded S3 grants everything).
    const denying = createS3Client({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' });
    mockClient(denying)
      .onAnyCommand()
      .rejects(
        Object.assign(new Error('Access Denied'), {
          name: 'AccessDenied',
          $metadata: { httpStatusCode: 403 },
        }),
      );
    const source = 's3://auto-vid-s3-bucket-prod-123456789012/assets/private.mp4';
    const error = await fetchAsset({ id: 'video', source }, 0, {
      directory: freshDir(),
      localMode: false,
      s3: denying,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Asset 'video' (${source}) could not be fetched: access denied (S3 AccessDenied): the processor is not allowed to read it`,
    );
    expect((error as AssetFetchError).retryable).toBe(false);
  });

  it('says retrying can help when S3 cannot be reached', async () => {
    const unreachable = createS3Client({
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1',
      AWS_REGION: 'us-east-1',
    });
    const error = await fetchAsset({ id: 'video', source: 's3://any-bucket/v.mp4' }, 0, {
      directory: freshDir(),
      localMode: false,
      s3: unreachable,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetFetchError);
    expect((error as Error).message).toMatch(
      /^Asset 'video' \(s3:\/\/any-bucket\/v\.mp4\) could not be fetched: /,
    );
    expect((error as AssetFetchError).retryable).toBe(true);
  });

  it('renders a spec whose video and music live in S3', async () => {
    const bucket = await stack.createBucket();
    const video = readFileSync(makeVideo(media, 's3-video.mp4', 3));
    const music = readFileSync(makeTone(media, 's3-music.wav', 220, 5));
    await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/v.mp4', Body: video }));
    await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/m.wav', Body: music }));
    const out = freshDir();
    const result = await renderJob(
      parseJobSpec({
        assets: {
          video: { id: 'v', source: `s3://${bucket}/assets/v.mp4` },
          audio: [{ id: 'm', source: `s3://${bucket}/assets/m.wav` }],
        },
        backgroundMusic: { playlist: ['m'] },
        timeline: [],
        output: { filename: 'from-s3' },
      }),
      {
        speech: { name: 'none', synthesize: () => Promise.reject(new Error('unused')) },
        s3: stack.s3,
        localMode: false,
        outputDirectory: out,
      },
    );
    expect(result.localPath).toBe(join(out, 'from-s3.mp4'));
    expect(Math.abs(result.duration - 3)).toBeLessThanOrEqual(1 / 30);
    expect(probeStreams(result.localPath).map((s) => s.codec_name)).toEqual(['h264', 'aac']);
  });
});

describe('Polly speech with the cache in the embedded S3', () => {
  const polly = new PollyClient({ region: 'us-east-1' });
  const pollyMock = mockClient(polly);
  beforeEach(() => pollyMock.reset());

  it('asks Polly once, stores the MP3 under cache/tts/, and reads it back on the next render', async () => {
    const bucket = await stack.createBucket();
    const clip = mp3Bytes('hello', 1);
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(clip) });
    const speech = withSpeechCache(createPollySynthesizer(polly), createS3SpeechCache(stack.s3, bucket));
    const request = speechRequest('Hello there.', {
      voiceId: 'Matthew',
      engine: 'standard',
      languageCode: 'en-US',
    });

    const { path: first } = await speech.synthesize(request, freshDir());
    const { path: second } = await speech.synthesize(request, freshDir());

    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(1);
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)[0]?.args[0].input).toEqual({
      Text: 'Hello there.',
      TextType: 'text',
      VoiceId: 'Matthew',
      Engine: 'standard',
      OutputFormat: 'mp3',
      LanguageCode: 'en-US',
    });
    const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'cache/tts/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([expect.stringMatching(/^cache\/tts\/[0-9a-f]{64}$/)]);
    const head = await stack.s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: listed.Contents?.[0]?.Key }),
    );
    expect(head.ContentType).toBe('audio/mpeg');
    expect(Buffer.compare(readFileSync(second), readFileSync(first))).toBe(0);
    expect(Buffer.compare(readFileSync(second), clip)).toBe(0);
  });

  it('asks again when the voice differs', async () => {
    const bucket = await stack.createBucket();
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(mp3Bytes('voice', 1)) });
    const speech = withSpeechCache(createPollySynthesizer(polly), createS3SpeechCache(stack.s3, bucket));
    await speech.synthesize(speechRequest('Same words.'), freshDir());
    await speech.synthesize(speechRequest('Same words.', { voiceId: 'Amy' }), freshDir());
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(2);
  });

  it('splits long text at sentences and joins the parts with no gap', async () => {
    const bucket = await stack.createBucket();
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(mp3Bytes('part', 2)) });
    const speech = withSpeechCache(createPollySynthesizer(polly), createS3SpeechCache(stack.s3, bucket));
    const text = 'This sentence is about fifty characters long, more. '.repeat(150).trim();
    const { path } = await speech.synthesize(speechRequest(text), freshDir());
    const calls = pollyMock.commandCalls(SynthesizeSpeechCommand);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.args[0].input.Text?.length).toBeLessThanOrEqual(3000);
      expect(call.args[0].input.Text?.endsWith('more.')).toBe(true);
    }
    expect(calls.map((c) => c.args[0].input.Text).join(' ')).toBe(text);
    // Joined sample-exact: three parts last exactly three times one part, with no dip at the joins.
    const part = readPcm(join(media, 'part.mp3'));
    const joined = readPcm(path);
    expect(joined.length).toBe(3 * part.length);
    for (const boundary of [1, 2]) {
      const at = (boundary * part.length) / RATE;
      expect(levelDb(joined, at - 0.01, at + 0.01)).toBeGreaterThan(TONE_DB - 1);
    }
    expect(path.endsWith('.wav')).toBe(true);
  });

  it('reads no more MP3 than the seconds left, asks for no part past them, and caches none of it', async () => {
    const bucket = await stack.createBucket();
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(mp3Bytes('budget', 2)) });
    const speech = withSpeechCache(createPollySynthesizer(polly), createS3SpeechCache(stack.s3, bucket));
    const text = 'This sentence is about fifty characters long, more. '.repeat(150).trim();

    const audio = await speech.synthesize({ ...speechRequest(text), maxSeconds: 1.5 }, freshDir());

    // Two parts are asked for at once; once the first holds the 1.5 s, the third is never requested.
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(2);
    expect(audio.cut).toBe(true);
    expect(probeDuration(audio.path)).toBeCloseTo(1.5, 2);
    const cached = await stack.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(cached.KeyCount).toBe(0);
  });

  it('stops reading a single part at the seconds left', async () => {
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(mp3Bytes('single', 4)) });
    const audio = await createPollySynthesizer(polly).synthesize(
      { ...speechRequest('Hi.'), maxSeconds: 0.5 },
      freshDir(),
    );
    expect(audio.cut).toBe(true);
    // The byte budget counts the tag and header frame too: never more than 0.5 s, a little less.
    expect(probeDuration(audio.path)).toBeLessThanOrEqual(0.5);
    expect(probeDuration(audio.path)).toBeGreaterThan(0.4);
  });

  it('counts a 404 as a cache miss and a 403 as a cache fault', async () => {
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(mp3Bytes('denied', 1)) });
    const run = async (name: string, status: number) => {
      const s3 = createS3Client({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' });
      mockClient(s3)
        .onAnyCommand()
        .rejects(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } }));
      const faults: string[] = [];
      const speech = withSpeechCache(createPollySynthesizer(polly), createS3SpeechCache(s3, 'b'), {
        onCacheError: (operation, _key, error) => faults.push(`${operation} ${(error as Error).name}`),
      });
      const { path } = await speech.synthesize(speechRequest(`Said ${name}.`), freshDir());
      expect(probeDuration(path)).toBeGreaterThan(0.9);
      return faults;
    };
    // The store fails in both (the mocked S3 refuses everything); only the read differs.
    expect(await run('NoSuchKey', 404)).toEqual(['store NoSuchKey']);
    expect(await run('AccessDenied', 403)).toEqual(['restore AccessDenied', 'store AccessDenied']);
  });

  it('still speaks when the cache cannot be written, and says so', async () => {
    pollyMock.on(SynthesizeSpeechCommand).resolves({ AudioStream: audioStream(mp3Bytes('nocache', 1)) });
    const faults: string[] = [];
    const speech = withSpeechCache(
      createPollySynthesizer(polly),
      createS3SpeechCache(stack.s3, 'no-such-bucket-here'),
      {
        onCacheError: (operation, key, error) =>
          faults.push(`${operation} ${key.slice(0, 10)} ${(error as Error).name}`),
      },
    );
    const { path } = await speech.synthesize(speechRequest('Hi.'), freshDir());
    expect(probeDuration(path)).toBeGreaterThan(0.9);
    expect(faults).toEqual(['restore cache/tts/ NoSuchBucket', 'store cache/tts/ NoSuchBucket']);
  });

  it.each([
    ['ThrottlingException', 400, true],
    ['ServiceFailureException', 500, true],
    ['InvalidSsmlException', 400, false],
    ['TextLengthExceededException', 400, false],
  ])('reports Polly %s (HTTP %i) as retryable: %s', async (name, status, retryable) => {
    pollyMock
      .on(SynthesizeSpeechCommand)
      .rejects(Object.assign(new Error('Polly says no'), { name, $metadata: { httpStatusCode: status } }));
    const directory = freshDir();
    const error = await createPollySynthesizer(polly)
      .synthesize(speechRequest('Hi.'), directory)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechSynthesisError);
    expect((error as Error).message).toBe(`Polly ${name}: Polly says no`);
    expect((error as SpeechSynthesisError).retryable).toBe(retryable);
    expect(readdirSync(directory)).toEqual([]);
  });
});

/** A speech-mark answer as Polly streams it: UTF-8 JSON lines. */
function marksStream(lines: readonly object[]): SynthesizeSpeechCommandOutput['AudioStream'] {
  const body = lines.map((line) => JSON.stringify(line)).join('\n');
  return {
    transformToString: async (encoding?: BufferEncoding) =>
      Buffer.from(body, 'utf8').toString(encoding ?? 'utf8'),
  } as unknown as SynthesizeSpeechCommandOutput['AudioStream'];
}

/**
 * Polly's marks for a plain text: a sentence mark at 0, then a word mark every 100 ms, each with
 * its UTF-8 byte offsets (words split at spaces, punctuation left out as Polly leaves it).
 */
function marksFor(text: string): object[] {
  const marks: object[] = [
    { time: 0, type: 'sentence', start: 0, end: Buffer.byteLength(text), value: text },
  ];
  for (const match of text.matchAll(/[\p{L}\p{N}'-]+/gu)) {
    const start = Buffer.byteLength(text.slice(0, match.index), 'utf8');
    marks.push({
      time: (marks.length - 1) * 100,
      type: 'word',
      start,
      end: start + Buffer.byteLength(match[0], 'utf8'),
      value: match[0],
    });
  }
  return marks;
}

describe('Polly speech timing for captions', () => {
  const polly = new PollyClient({ region: 'us-east-1' });
  const pollyMock = mockClient(polly);
  beforeEach(() => {
    pollyMock.reset();
    pollyMock
      .on(SynthesizeSpeechCommand, { OutputFormat: 'mp3' })
      .resolves({ AudioStream: audioStream(mp3Bytes('timed', 2)) });
    pollyMock.on(SynthesizeSpeechCommand, { OutputFormat: 'json' }).callsFake((input: { Text: string }) => ({
      AudioStream: marksStream(marksFor(input.Text)),
      RequestCharacters: 7,
    }));
  });

  it('asks for sentence and word marks beside the audio, and reads them by UTF-8 offsets', async () => {
    const counted: string[] = [];
    const synthesizer = createPollySynthesizer(polly, {
      speech: (engine, chars) => counted.push(`${engine} ${chars}`),
    });
    const audio = await synthesizer.synthesize(
      { ...speechRequest('Café 😀 déjà vu, naïve!'), timing: true },
      freshDir(),
    );
    const calls = pollyMock.commandCalls(SynthesizeSpeechCommand).map((call) => call.args[0].input);
    expect(calls.find((input) => input.OutputFormat === 'json')).toEqual({
      Text: 'Café 😀 déjà vu, naïve!',
      TextType: 'text',
      VoiceId: 'Joanna',
      Engine: 'neural',
      OutputFormat: 'json',
      SpeechMarkTypes: ['sentence', 'word'],
    });
    // Both requests are counted; without RequestCharacters, by the text's length.
    expect(counted.sort()).toEqual(['neural 23', 'neural 7']);
    expect(audio.timing?.accuracy).toBe('exact');
    expect(audio.timing?.sentences[0]?.words).toEqual([
      { text: 'Café 😀', start: 0 },
      { text: 'déjà', start: 0.1 },
      { text: 'vu,', start: 0.2 },
      { text: 'naïve!', start: 0.3 },
    ]);
  });

  it('shifts the marks of each part of a long text to where its audio starts in the joined audio', async () => {
    const text = 'This sentence is about fifty characters long, more. '.repeat(100).trim();
    const audio = await createPollySynthesizer(polly).synthesize(
      { ...speechRequest(text), timing: true },
      freshDir(),
    );
    const sentences = audio.timing?.sentences ?? [];
    expect(sentences).toHaveLength(2);
    // Each part's MP3 decodes to 2 s (its bitrate says more: the encoder's delay and padding); the
    // second part's marks start there.
    expect(sentences[0]?.start).toBe(0);
    expect(sentences[1]?.start).toBeCloseTo(2, 2);
    expect(sentences.flatMap((sentence) => sentence.words)).toHaveLength(8 * 100);
  });

  it('asks the generative engine, which has no marks, a sentence at a time and times each sentence', async () => {
    const text = 'First one here. Then a second! And the third?';
    const audio = await createPollySynthesizer(polly).synthesize(
      { ...speechRequest(text, { engine: 'generative' }), timing: true },
      freshDir(),
    );
    const calls = pollyMock.commandCalls(SynthesizeSpeechCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.OutputFormat, input.Text])).toEqual([
      ['mp3', 'First one here.'],
      ['mp3', 'Then a second!'],
      ['mp3', 'And the third?'],
    ]);
    expect(audio.timing?.accuracy).toBe('sentences');
    // Each sentence's MP3 decodes to 2 s: the sentences start where the joined audio has them.
    const starts = audio.timing?.sentences.map((sentence) => sentence.start) ?? [];
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeCloseTo(2, 2);
    expect(starts[2]).toBeCloseTo(4, 2);
    expect(probeDuration(audio.path)).toBeCloseTo(6, 2);
  });

  it('keeps the marks in the cache beside the audio, and asks again for audio cached without them', async () => {
    const bucket = await stack.createBucket();
    const speech = withSpeechCache(createPollySynthesizer(polly), createS3SpeechCache(stack.s3, bucket));
    const request = speechRequest('Cached and timed.');
    await speech.synthesize(request, freshDir());
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(1);

    const timed = await speech.synthesize({ ...request, timing: true }, freshDir());
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(3);
    const again = await speech.synthesize({ ...request, timing: true }, freshDir());
    expect(pollyMock.commandCalls(SynthesizeSpeechCommand)).toHaveLength(3);

    expect(again.timing).toEqual(timed.timing);
    const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'cache/tts/' }));
    const keys = listed.Contents?.map((o) => o.Key) ?? [];
    expect(keys).toHaveLength(2);
    expect(keys.filter((key) => key?.endsWith('.timing.json'))).toHaveLength(1);
  });
});
