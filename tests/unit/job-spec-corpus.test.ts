import { readdirSync, readFileSync } from 'node:fs';
import { validateJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { buildFullSpec, withValue } from '../support/spec-builders.ts';

const corpusDir = new URL('../corpus/valid/', import.meta.url);
const validFiles = readdirSync(corpusDir).filter((name) => name.endsWith('.spec.json'));

const LIMITS = { maxHeadersSize: 1024, maxMetadataSize: 1024 };

function errorText(input: unknown): string {
  const result = validateJobSpec(input, LIMITS);
  return result.ok ? 'valid' : result.error.message;
}

function expected(...lines: string[]): string {
  return `Invalid job specification:${lines.map((line) => `\n  - ${line}`).join('')}`;
}

const full = buildFullSpec();
const set = (path: (string | number)[], value: unknown) => withValue(full, path, value);
const drop = (path: (string | number)[]) => withValue(full, path, undefined);
const tts = (data: Record<string, unknown>) => set(['timeline', 0, 'data'], { text: 'Hi', ...data });
const config = (providerConfig: Record<string, unknown>) =>
  set(['timeline', 0, 'data', 'providerConfig'], providerConfig);
const webhook = (patch: Record<string, unknown>) =>
  set(['notifications', 'webhook'], { url: 'https://hooks.example.com/x', ...patch });

describe('valid corpus', () => {
  it('holds at least eight complete specs', () => {
    expect(validFiles.length).toBeGreaterThanOrEqual(8);
  });

  it.each(validFiles)('%s is valid', (name) => {
    const spec = JSON.parse(readFileSync(new URL(name, corpusDir), 'utf8'));
    expect(errorText(spec)).toBe('valid');
  });
});

const invalidCases: [string, unknown, string][] = [
  // Shape of the document itself
  ['an array instead of an object', [], expected("Field '(root)': Input should be an object")],
  ['a string instead of an object', 'spec', expected("Field '(root)': Input should be an object")],
  ['null', null, expected("Field '(root)': Input should be an object")],
  [
    'an empty object',
    {},
    expected(
      "Field 'assets': Field required",
      "Field 'timeline': Field required",
      "Field 'output': Field required",
    ),
  ],
  // jobInfo
  ['jobInfo as a list', set(['jobInfo'], []), expected("Field 'jobInfo': Input should be an object")],
  [
    'projectId over 100 characters',
    set(['jobInfo', 'projectId'], 'p'.repeat(101)),
    expected("Field 'jobInfo -> projectId': String should have at most 100 characters"),
  ],
  [
    'title over 200 characters',
    set(['jobInfo', 'title'], 't'.repeat(201)),
    expected("Field 'jobInfo -> title': String should have at most 200 characters"),
  ],
  [
    'eleven tags',
    set(
      ['jobInfo', 'tags'],
      Array.from({ length: 11 }, (_, i) => `t${i}`),
    ),
    expected("Field 'jobInfo -> tags': List should have at most 10 items"),
  ],
  [
    'a tag over 50 characters',
    set(['jobInfo', 'tags'], ['ok', 'x'.repeat(51)]),
    expected("Field 'jobInfo -> tags -> 1': String should have at most 50 characters"),
  ],
  [
    'a numeric tag',
    set(['jobInfo', 'tags'], [7]),
    expected("Field 'jobInfo -> tags -> 0': Input should be a valid string"),
  ],
  // assets
  ['no video', drop(['assets', 'video']), expected("Field 'assets -> video': Field required")],
  [
    'video without source',
    drop(['assets', 'video', 'source']),
    expected("Field 'assets -> video -> source': Field required"),
  ],
  [
    'numeric video id',
    set(['assets', 'video', 'id'], 3),
    expected("Field 'assets -> video -> id': Input should be a valid string"),
  ],
  [
    'no audio list',
    drop(['assets', 'audio']),
    expected(
      "Field 'assets -> audio': Field required",
      "Field 'backgroundMusic -> playlist -> 0': Playlist item 'music' not found in assets.audio",
      "Field 'timeline -> 1 -> data -> assetId': Audio asset 'sfx' not found in assets.audio",
    ),
  ],
  [
    'audio as an object',
    set(['assets', 'audio'], {}),
    expected(
      "Field 'assets -> audio': Input should be a valid list",
      "Field 'backgroundMusic -> playlist -> 0': Playlist item 'music' not found in assets.audio",
      "Field 'timeline -> 1 -> data -> assetId': Audio asset 'sfx' not found in assets.audio",
    ),
  ],
  [
    'an ftp source',
    set(['assets', 'video', 'source'], 'ftp://host/video.mp4'),
    expected(
      "Field 'assets -> video -> source': Unsupported scheme 'ftp://' (use s3://, http:// or https://)",
    ),
  ],
  [
    'an s3 source without key',
    set(['assets', 'audio', 0, 'source'], 's3://test-bucket/'),
    expected("Field 'assets -> audio -> 0 -> source': S3 location has no object key"),
  ],
  [
    'an s3 source with an invalid bucket',
    set(['assets', 'audio', 0, 'source'], 's3://Bad_Bucket/x.mp3'),
    expected("Field 'assets -> audio -> 0 -> source': Invalid S3 bucket name 'Bad_Bucket'"),
  ],
  [
    'an empty source',
    set(['assets', 'video', 'source'], ''),
    expected("Field 'assets -> video -> source': String should have at least 1 character"),
  ],
  [
    'duplicate audio ids',
    set(['assets', 'audio', 1, 'id'], 'music'),
    expected(
      "Field 'assets -> audio -> 1 -> id': Duplicate asset id 'music'",
      "Field 'timeline -> 1 -> data -> assetId': Audio asset 'sfx' not found in assets.audio",
    ),
  ],
  [
    '101 audio assets',
    set(
      ['assets', 'audio'],
      Array.from({ length: 101 }, (_, i) => ({
        id: i === 0 ? 'music' : i === 1 ? 'sfx' : `a${i}`,
        source: 's3://b-b/x',
      })),
    ),
    expected("Field 'assets -> audio': List should have at most 100 items"),
  ],
  // backgroundMusic
  [
    'a playlist id with a line break, kept on one line',
    set(['backgroundMusic', 'playlist'], ['music', 'evil\n  - Field']),
    expected(
      "Field 'backgroundMusic -> playlist -> 1': Playlist item 'evil\\n  - Field' not found in assets.audio",
    ),
  ],
  [
    'playlist missing',
    drop(['backgroundMusic', 'playlist']),
    expected("Field 'backgroundMusic -> playlist': Field required"),
  ],
  [
    'unknown playlist item',
    set(['backgroundMusic', 'playlist'], ['music', 'nope']),
    expected("Field 'backgroundMusic -> playlist -> 1': Playlist item 'nope' not found in assets.audio"),
  ],
  [
    'loop as a string',
    set(['backgroundMusic', 'loop'], 'yes'),
    expected("Field 'backgroundMusic -> loop': Input should be a valid boolean"),
  ],
  [
    'volume as a string',
    set(['backgroundMusic', 'volume'], '0.3'),
    expected("Field 'backgroundMusic -> volume': Input should be a valid number"),
  ],
  [
    'volume above 1',
    set(['backgroundMusic', 'volume'], 1.5),
    expected("Field 'backgroundMusic -> volume': Input should be less than or equal to 1"),
  ],
  [
    'volume below 0',
    set(['backgroundMusic', 'volume'], -0.1),
    expected("Field 'backgroundMusic -> volume': Input should be greater than or equal to 0"),
  ],
  [
    'negative crossfade',
    set(['backgroundMusic', 'crossfadeDuration'], -2),
    expected("Field 'backgroundMusic -> crossfadeDuration': Input should be greater than or equal to 0"),
  ],
  // timeline
  ['timeline missing', drop(['timeline']), expected("Field 'timeline': Field required")],
  [
    'timeline as an object',
    set(['timeline'], {}),
    expected("Field 'timeline': Input should be a valid list"),
  ],
  [
    'negative start',
    set(['timeline', 0, 'start'], -1),
    expected("Field 'timeline -> 0 -> start': Input should be greater than or equal to 0"),
  ],
  [
    'start as a string',
    set(['timeline', 1, 'start'], '4'),
    expected("Field 'timeline -> 1 -> start': Input should be a valid number"),
  ],
  [
    'start missing',
    drop(['timeline', 0, 'start']),
    expected("Field 'timeline -> 0 -> start': Field required"),
  ],
  [
    'unknown event type',
    set(['timeline', 1, 'type'], 'video'),
    expected("Field 'timeline -> 1 -> type': Input should be 'tts' or 'audio'"),
  ],
  [
    'event without type',
    drop(['timeline', 1, 'type']),
    expected("Field 'timeline -> 1 -> type': Input should be 'tts' or 'audio'"),
  ],
  [
    'tts without text',
    tts({ text: undefined }),
    expected("Field 'timeline -> 0 -> data -> text': Field required"),
  ],
  [
    'tts with empty text',
    tts({ text: '' }),
    expected("Field 'timeline -> 0 -> data -> text': String should have at least 1 character"),
  ],
  [
    'tts text over 20,000 characters',
    tts({ text: 'a'.repeat(20_001) }),
    expected("Field 'timeline -> 0 -> data -> text': String should have at most 20000 characters"),
  ],
  [
    'tts text over 100,000 characters in total',
    set(
      ['timeline'],
      Array.from({ length: 6 }, (_, i) => ({ start: i, type: 'tts', data: { text: 'b'.repeat(17_000) } })),
    ),
    expected("Field 'timeline': TTS text totals 102000 characters; the limit is 100000"),
  ],
  [
    'another provider',
    tts({ provider: 'google' }),
    expected("Field 'timeline -> 0 -> data -> provider': Input should be 'aws-polly'"),
  ],
  [
    'unknown voice',
    config({ voiceId: 'Bob' }),
    expected(
      "Field 'timeline -> 0 -> data -> providerConfig -> voiceId': Input should be an Amazon Polly voice id, such as 'Joanna'",
    ),
  ],
  [
    'voice id in lower case',
    config({ voiceId: 'joanna' }),
    expected(
      "Field 'timeline -> 0 -> data -> providerConfig -> voiceId': Input should be an Amazon Polly voice id, such as 'Joanna'",
    ),
  ],
  [
    'unknown engine',
    config({ engine: 'turbo' }),
    expected(
      "Field 'timeline -> 0 -> data -> providerConfig -> engine': Input should be 'standard', 'neural', 'long-form' or 'generative'",
    ),
  ],
  [
    'unknown text type',
    config({ textType: 'html' }),
    expected("Field 'timeline -> 0 -> data -> providerConfig -> textType': Input should be 'text' or 'ssml'"),
  ],
  [
    'unknown language code',
    config({ languageCode: 'en-XX' }),
    expected(
      "Field 'timeline -> 0 -> data -> providerConfig -> languageCode': Input should be an Amazon Polly language code, such as 'en-US'",
    ),
  ],
  [
    'tts volume above 1',
    tts({ volume: 2 }),
    expected("Field 'timeline -> 0 -> data -> volume': Input should be less than or equal to 1"),
  ],
  [
    'ducking level above 1',
    tts({ duckingLevel: 1.2 }),
    expected("Field 'timeline -> 0 -> data -> duckingLevel': Input should be less than or equal to 1"),
  ],
  [
    'negative ducking fade',
    tts({ duckingFadeDuration: -0.5 }),
    expected(
      "Field 'timeline -> 0 -> data -> duckingFadeDuration': Input should be greater than or equal to 0",
    ),
  ],
  [
    'audio event without assetId',
    set(['timeline', 1, 'data'], { volume: 0.5 }),
    expected("Field 'timeline -> 1 -> data -> assetId': Field required"),
  ],
  [
    'audio event naming an unknown asset',
    set(['timeline', 1, 'data', 'assetId'], 'boom'),
    expected("Field 'timeline -> 1 -> data -> assetId': Audio asset 'boom' not found in assets.audio"),
  ],
  [
    'audio event naming the video',
    set(['timeline', 1, 'data', 'assetId'], 'main'),
    expected("Field 'timeline -> 1 -> data -> assetId': Audio asset 'main' not found in assets.audio"),
  ],
  [
    'audio volume below 0',
    set(['timeline', 1, 'data', 'volume'], -1),
    expected("Field 'timeline -> 1 -> data -> volume': Input should be greater than or equal to 0"),
  ],
  [
    '501 events',
    set(
      ['timeline'],
      Array.from({ length: 501 }, (_, i) => ({ start: i, type: 'audio', data: { assetId: 'sfx' } })),
    ),
    expected("Field 'timeline': List should have at most 500 items"),
  ],
  [
    'SSML break of 1000000ms',
    tts({ text: '<speak>Wait<break time="1000000ms"/>now</speak>', providerConfig: { textType: 'ssml' } }),
    expected(
      "Field 'timeline -> 0 -> data -> text': SSML break time '1000000ms' is longer than Polly's limit of 10s",
    ),
  ],
  [
    'SSML break of 11s',
    tts({ text: '<speak>Wait<break time="11s"/></speak>', providerConfig: { textType: 'ssml' } }),
    expected(
      "Field 'timeline -> 0 -> data -> text': SSML break time '11s' is longer than Polly's limit of 10s",
    ),
  ],
  [
    'SSML break time without a unit',
    tts({ text: '<speak><break time="5"/></speak>', providerConfig: { textType: 'ssml' } }),
    expected(
      "Field 'timeline -> 0 -> data -> text': SSML break time '5' must be a number of seconds or milliseconds, such as '2s'",
    ),
  ],
  [
    'SSML unknown tag',
    tts({ text: '<speak><audio src="x"/></speak>', providerConfig: { textType: 'ssml' } }),
    expected("Field 'timeline -> 0 -> data -> text': SSML tag <audio> is not one Amazon Polly supports"),
  ],
  [
    'SSML unclosed tag',
    tts({ text: '<speak><prosody rate="slow">Hi</speak>', providerConfig: { textType: 'ssml' } }),
    expected("Field 'timeline -> 0 -> data -> text': SSML closes <speak> where <prosody> is open"),
  ],
  [
    'SSML text outside speak',
    tts({ text: 'Hello <speak>Hi</speak>', providerConfig: { textType: 'ssml' } }),
    expected("Field 'timeline -> 0 -> data -> text': SSML must be one <speak> element holding all the text"),
  ],
  [
    'SSML bare ampersand',
    tts({ text: '<speak>Salt & pepper</speak>', providerConfig: { textType: 'ssml' } }),
    expected("Field 'timeline -> 0 -> data -> text': SSML has a bare '&' at character 13; write it as &amp;"),
  ],
  [
    'SSML malformed attribute',
    tts({ text: '<speak><break time=5s/></speak>', providerConfig: { textType: 'ssml' } }),
    expected("Field 'timeline -> 0 -> data -> text': SSML has a malformed <break> tag at character 8"),
  ],
  // output
  ['output missing', drop(['output']), expected("Field 'output': Field required")],
  ['filename missing', drop(['output', 'filename']), expected("Field 'output -> filename': Field required")],
  [
    'filename with a directory',
    set(['output', 'filename'], 'videos/out.mp4'),
    expected("Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)"),
  ],
  [
    'filename climbing up',
    set(['output', 'filename'], '..'),
    expected("Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)"),
  ],
  [
    'filename with a backslash',
    set(['output', 'filename'], 'a\\b.mp4'),
    expected("Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)"),
  ],
  [
    'filename with a newline',
    set(['output', 'filename'], 'a\nb.mp4'),
    expected("Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)"),
  ],
  [
    'filename of 255 ASCII characters (a file system has no room for its partial file)',
    set(['output', 'filename'], `${'n'.repeat(251)}.mp4`),
    expected("Field 'output -> filename': Must be at most 200 bytes in UTF-8 with .mp4 (it is 255)"),
  ],
  [
    'filename of 200 two-byte characters',
    set(['output', 'filename'], 'é'.repeat(200)),
    expected("Field 'output -> filename': Must be at most 200 bytes in UTF-8 with .mp4 (it is 404)"),
  ],
  [
    'destination over http',
    set(['output', 'destination'], 'https://example.com/out/'),
    expected("Field 'output -> destination': Destination must be s3://bucket/prefix/ or a local folder"),
  ],
  [
    'crf above 51',
    set(['output', 'encoding'], { crf: 52 }),
    expected("Field 'output -> encoding -> crf': Input should be less than or equal to 51"),
  ],
  [
    'crf that is not whole',
    set(['output', 'encoding'], { crf: 20.5 }),
    expected("Field 'output -> encoding -> crf': Must be a whole number from 0 to 51"),
  ],
  [
    'crf with a bitrate',
    set(['output', 'encoding'], { crf: 18, bitrate: '2500k' }),
    expected("Field 'output -> encoding -> crf': Set a bitrate or a crf, not both"),
  ],
  [
    'video copy with a bitrate',
    set(['output', 'encoding'], { video: 'copy', bitrate: '2500k' }),
    expected(
      `Field 'output -> encoding -> video': A copied video keeps its own quality: remove the bitrate, or use "auto" or "encode"`,
    ),
  ],
  [
    'ducking under the source audio without keeping it',
    set(['backgroundMusic', 'duckUnderSource'], true),
    expected(
      "Field 'backgroundMusic -> duckUnderSource': Ducking under the source video's audio needs that audio in the mix: set assets.video.audio.keep to true",
    ),
  ],
  [
    'a source ducking ratio over 20',
    withValue(set(['backgroundMusic', 'duckUnderSource'], { ratio: 30 }), ['assets', 'video', 'audio'], {
      keep: true,
    }),
    expected("Field 'backgroundMusic -> duckUnderSource -> ratio': Input should be less than or equal to 20"),
  ],
  [
    'source ducking as a string',
    withValue(set(['backgroundMusic', 'duckUnderSource'], 'yes'), ['assets', 'video', 'audio'], {
      keep: true,
    }),
    expected(
      "Field 'backgroundMusic -> duckUnderSource': Input should be true, false or an object with threshold and ratio",
    ),
  ],
  [
    'negative music fades and start',
    withValue(
      withValue(set(['backgroundMusic', 'fadeIn'], -1), ['backgroundMusic', 'fadeOut'], -2),
      ['backgroundMusic', 'startAt'],
      -3,
    ),
    expected(
      "Field 'backgroundMusic -> fadeIn': Input should be greater than or equal to 0",
      "Field 'backgroundMusic -> fadeOut': Input should be greater than or equal to 0",
      "Field 'backgroundMusic -> startAt': Input should be greater than or equal to 0",
    ),
  ],
  [
    'a source audio volume over 1 and keep as a string',
    set(['assets', 'video', 'audio'], { keep: 'yes', volume: 2 }),
    expected(
      "Field 'assets -> video -> audio -> keep': Input should be a valid boolean",
      "Field 'assets -> video -> audio -> volume': Input should be less than or equal to 1",
    ),
  ],
  [
    'an unknown loudness preset',
    set(['output', 'audio'], { loudness: 'loud' }),
    expected(
      "Field 'output -> audio -> loudness': Input should be 'streaming', 'podcast', 'broadcast' or an object with integrated and truePeak",
    ),
  ],
  [
    'a loudness target louder than -5 LUFS',
    set(['output', 'audio'], { loudness: { integrated: -3 } }),
    expected("Field 'output -> audio -> loudness -> integrated': Input should be less than or equal to -5"),
  ],
  [
    'a loudness target without its integrated loudness, and a true peak over 0',
    set(['output', 'audio'], { loudness: { truePeak: 1 } }),
    expected(
      "Field 'output -> audio -> loudness -> integrated': Field required",
      "Field 'output -> audio -> loudness -> truePeak': Input should be less than or equal to 0",
    ),
  ],
  [
    'a true-peak ceiling under the integrated target',
    set(['output', 'audio'], { loudness: { integrated: -5, truePeak: -9 } }),
    expected(
      "Field 'output -> audio -> loudness -> truePeak': Must be above the integrated target (-5): audio is louder at its peaks than on average",
    ),
  ],
  [
    'a loudness target as a number',
    set(['output', 'audio'], { loudness: -14 }),
    expected(
      "Field 'output -> audio -> loudness': Input should be 'streaming', 'podcast', 'broadcast' or an object with integrated and truePeak",
    ),
  ],
  [
    'video copy with a crf',
    set(['output', 'encoding'], { video: 'copy', crf: 20 }),
    expected(
      `Field 'output -> encoding -> video': A copied video keeps its own quality: remove the crf, or use "auto" or "encode"`,
    ),
  ],
  [
    'unknown video mode',
    set(['output', 'encoding', 'video'], 'fast'),
    expected("Field 'output -> encoding -> video': Input should be 'auto', 'copy' or 'encode'"),
  ],
  [
    'unknown preset',
    set(['output', 'encoding', 'preset'], 'quick'),
    expected(
      "Field 'output -> encoding -> preset': Input should be 'ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow' or 'placebo'",
    ),
  ],
  [
    'bitrate as a number',
    set(['output', 'encoding', 'bitrate'], 2500),
    expected("Field 'output -> encoding -> bitrate': Input should be a valid string"),
  ],
  [
    'bitrate with an option smuggled in',
    set(['output', 'encoding', 'bitrate'], '2500k -y'),
    expected("Field 'output -> encoding -> bitrate': Must be a bitrate such as 2500k or 5M"),
  ],
  [
    'audio bitrate without digits',
    set(['output', 'encoding', 'audio_bitrate'], 'high'),
    expected("Field 'output -> encoding -> audio_bitrate': Must be a bitrate such as 128k or 320k"),
  ],
  [
    'fps of zero',
    set(['output', 'encoding', 'fps'], 0),
    expected("Field 'output -> encoding -> fps': Input should be greater than 0"),
  ],
  // notifications
  [
    'webhook without url',
    webhook({ url: undefined }),
    expected("Field 'notifications -> webhook -> url': Field required"),
  ],
  [
    'webhook with an ftp url',
    webhook({ url: 'ftp://example.com' }),
    expected("Field 'notifications -> webhook -> url': Input should be a valid http(s) URL"),
  ],
  [
    'webhook url that is not a url',
    webhook({ url: 'not a url' }),
    expected("Field 'notifications -> webhook -> url': Input should be a valid http(s) URL"),
  ],
  [
    'webhook method GET',
    webhook({ method: 'GET' }),
    expected("Field 'notifications -> webhook -> method': Input should be 'POST' or 'PUT'"),
  ],
  [
    'header value as a number',
    webhook({ headers: { 'X-Count': 3 } }),
    expected("Field 'notifications -> webhook -> headers -> X-Count': Input should be a valid string"),
  ],
  [
    'header name with a space',
    webhook({ headers: { 'X Bad': 'v' } }),
    expected("Field 'notifications -> webhook -> headers -> X Bad': Not a valid HTTP header name"),
  ],
  [
    'header value with a line break',
    webhook({ headers: { 'X-Inject': 'a\r\nSet-Cookie: x' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> X-Inject': Header value contains control characters",
    ),
  ],
  [
    'webhook header Content-Length',
    webhook({ headers: { 'Content-Length': '0' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Content-Length': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Transfer-Encoding',
    webhook({ headers: { 'Transfer-Encoding': 'chunked' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Transfer-Encoding': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Connection',
    webhook({ headers: { Connection: 'close' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Connection': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Expect',
    webhook({ headers: { Expect: '100-continue' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Expect': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Upgrade',
    webhook({ headers: { Upgrade: 'h2c' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Upgrade': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Keep-Alive',
    webhook({ headers: { 'Keep-Alive': 'timeout=5' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Keep-Alive': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Host',
    webhook({ headers: { Host: 'example.com' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Host': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header TE',
    webhook({ headers: { TE: 'trailers' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> TE': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header Trailer',
    webhook({ headers: { Trailer: 'X-Sum' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> Trailer': This header is set by the HTTP connection; a webhook cannot set it",
    ),
  ],
  [
    'webhook header value outside ASCII',
    webhook({ headers: { 'X-Name': 'Zoë' } }),
    expected(
      "Field 'notifications -> webhook -> headers -> X-Name': Header value must be visible ASCII characters and spaces",
    ),
  ],
  [
    'headers over 1KB',
    webhook({ headers: { Authorization: 'x'.repeat(1024) } }),
    expected("Field 'notifications -> webhook -> headers': Headers exceed 1KB limit"),
  ],
  [
    'metadata over 1KB',
    webhook({ metadata: { note: 'y'.repeat(1020) } }),
    expected("Field 'notifications -> webhook -> metadata': Metadata exceed 1KB limit"),
  ],
  [
    'metadata with a nested object',
    webhook({ metadata: { nested: { a: 1 } } }),
    expected(
      "Field 'notifications -> webhook -> metadata -> nested': Input should be a string, number or boolean",
    ),
  ],
  // Several problems at once are all reported, in document order, references last.
  [
    'several problems at once',
    withValue(
      withValue(set(['output', 'filename'], '../x'), ['backgroundMusic', 'volume'], 'loud'),
      ['timeline', 1, 'data', 'assetId'],
      'gone',
    ),
    expected(
      "Field 'backgroundMusic -> volume': Input should be a valid number",
      "Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)",
      "Field 'timeline -> 1 -> data -> assetId': Audio asset 'gone' not found in assets.audio",
    ),
  ],
];

describe('invalid corpus', () => {
  it('holds at least 60 specs in all', () => {
    expect(validFiles.length + invalidCases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(invalidCases)('rejects %s with the exact error text', (_name, spec, text) => {
    expect(errorText(spec)).toBe(text);
  });
});
