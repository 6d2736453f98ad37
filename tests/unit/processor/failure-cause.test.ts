import { describe, expect, it } from 'vitest';
import { interruptedError } from '../../../src/processor/attempt.ts';
import {
  AssetFetchError,
  MediaLimitError,
  MediaProbeError,
  PermanentError,
  RenderError,
  SpeechSynthesisError,
  TransientError,
} from '../../../src/processor/errors.ts';
import { type AttemptStep, classifyFailure } from '../../../src/processor/failure-cause.ts';

describe('classifyFailure', () => {
  it.each([
    ['a missing asset', 'render', new AssetFetchError('a', 's3://b/k', 'NoSuchKey', false), 'asset'],
    [
      'a download worth retrying',
      'render',
      new AssetFetchError('a', 'https://h/x', 'HTTP 503', true),
      'asset',
    ],
    ['speech Polly refuses', 'render', new SpeechSynthesisError('InvalidSsml', false), 'speech'],
    ['unreadable media', 'render', new MediaProbeError('not media'), 'media'],
    ['media beyond the limits', 'render', new MediaLimitError('too long'), 'media'],
    ['an ffmpeg failure', 'render', new RenderError('ffmpeg failed'), 'render'],
    ['a render cut by the deadline', 'render', interruptedError('Render', 'deadline'), 'deadline'],
    ['a render stopped by the host', 'render', interruptedError('Render', 'abort'), 'stopped'],
    ['an upload cut by the deadline', 'upload', interruptedError('Upload', 'deadline'), 'deadline'],
    ['a bucket that cannot be written', 'upload', new PermanentError('NoSuchBucket'), 'upload'],
    ['an S3 fault while storing', 'upload', new TransientError('SlowDown'), 'upload'],
    ['a table fault while recording', 'record', new Error('ProvisionedThroughputExceeded'), 'internal'],
    ['a bug', 'render', new TypeError('x is undefined'), 'internal'],
    ['a thrown non-error', 'render', 'boom', 'internal'],
  ] as const)('names %s from the %s step', (_, step: AttemptStep, error, cause) => {
    expect(classifyFailure(error, step)).toBe(cause);
  });
});
