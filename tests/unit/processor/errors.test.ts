import { describe, expect, it } from 'vitest';
import {
  AssetFetchError,
  isPermanent,
  MediaProbeError,
  PermanentError,
  RenderInterruptedError,
  SpeechSynthesisError,
  TransientError,
} from '../../../src/processor/errors.ts';

describe('isPermanent', () => {
  it.each([
    ['a permanent error', new PermanentError('bad'), true],
    ['unreadable media', new MediaProbeError('not media'), true],
    ['a missing asset', new AssetFetchError('a', 's3://b/k', 'NoSuchKey', false), true],
    ['speech Polly refuses', new SpeechSynthesisError('InvalidSsml', false), true],
    ['a transient error', new TransientError('later'), false],
    ['a render cut by the deadline', new RenderInterruptedError('stopped'), false],
    ['a download worth retrying', new AssetFetchError('a', 'https://h/x', 'HTTP 503', true), false],
    ['throttled speech', new SpeechSynthesisError('Throttling', true), false],
  ])('is %s: %s', (_, error, expected) => {
    expect(isPermanent(error)).toBe(expected);
  });

  it('leaves faults it does not know (SDK errors, bugs, non-errors) to a retry', () => {
    const sdkFault = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $retryable: {},
    });
    expect(isPermanent(sdkFault)).toBe(false);
    expect(isPermanent(new TypeError('x is undefined'))).toBe(false);
    expect(isPermanent('a string')).toBe(false);
  });
});
