import { describe, expect, it } from 'vitest';
import { findSsmlProblem } from '../../shared-layer/src/ssml.ts';

describe('SSML as Polly accepts it', () => {
  it('accepts every Polly tag, entities, both quote styles and a break of exactly 10 s', () => {
    const ssml = [
      '<speak>',
      '  <p><s>Tom &amp; Jerry &#169; &#x263A;</s></p>',
      '  <break time=\'10s\'/><break time="10000ms"/><break strength="x-strong"/>',
      '  <amazon:effect name="whispered">quiet</amazon:effect>',
      '  <amazon:domain name="news"><prosody rate="90%">news</prosody></amazon:domain>',
      '  <say-as interpret-as="digits">123</say-as> <sub alias="World Wide Web">WWW</sub>',
      '  <lang xml:lang="fr-FR">bonjour</lang> <mark name="m1"/> <w role="amazon:VB">read</w>',
      '  <phoneme alphabet="ipa" ph="pɪˈkɑːn">pecan</phoneme> <emphasis level="strong">now</emphasis>',
      '</speak>',
    ].join('\n');
    expect(findSsmlProblem(ssml)).toBeUndefined();
  });

  it.each([
    ['<speak>a</speak><speak>b</speak>', 'SSML must be one <speak> element holding all the text'],
    ['<speak>a', 'SSML leaves <speak> unclosed'],
    ['<speak>a</p></speak>', 'SSML closes <p> where <speak> is open'],
    ['<speak><break time="0.5s" time="1s"/></speak>', "SSML repeats the attribute 'time' at character 8"],
    [
      '<speak><break strength="huge"/></speak>',
      "SSML break strength 'huge' is not one of none, x-weak, weak, medium, strong, x-strong",
    ],
    ['<speak><!-- note --></speak>', 'SSML has a malformed tag at character 8'],
    ['<speak>a &nbsp; b</speak>', "SSML has a bare '&' at character 10; write it as &amp;"],
  ])('refuses %s', (ssml, problem) => {
    expect(findSsmlProblem(ssml)).toBe(problem);
  });
});
