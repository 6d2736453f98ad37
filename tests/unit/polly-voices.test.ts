import { POLLY_LANGUAGE_CODES, POLLY_VOICE_IDS, POLLY_VOICES } from '@auto-vid/shared';
import { LanguageCode, VoiceId } from '@aws-sdk/client-polly';
import { describe, expect, it } from 'vitest';

describe('Polly voices and language codes', () => {
  it('lists exactly the voices the Polly API accepts', () => {
    expect([...POLLY_VOICE_IDS].sort()).toEqual(Object.values(VoiceId).sort());
  });

  it('lists exactly the language codes the Polly API accepts', () => {
    expect([...POLLY_LANGUAGE_CODES].sort()).toEqual(Object.values(LanguageCode).sort());
  });

  it('gives every voice a default language from that list', () => {
    for (const voice of Object.values(POLLY_VOICES)) {
      expect(POLLY_LANGUAGE_CODES).toContain(voice.languageCode);
    }
    expect(POLLY_VOICES.Joanna).toEqual({ languageCode: 'en-US', gender: 'Female' });
    expect(POLLY_VOICES.Matthew).toEqual({ languageCode: 'en-US', gender: 'Male' });
  });
});
