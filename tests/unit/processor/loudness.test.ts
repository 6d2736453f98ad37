import { describe, expect, it } from 'vitest';
import { buildLoudnessArgs, parseLoudnessSummary } from '../../../src/processor/render/loudness.ts';

/** The end of what ffmpeg 5.1's ebur128 prints at "info" with framelog=verbose. */
function summary(integrated: string, range: string, peak: string): string[] {
  return [
    'size=N/A time=00:00:12.00 bitrate=N/A speed= 251x',
    'video:0kB audio:4500kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown',
    '[Parsed_ebur128_0 @ 0x5609f0e22300] Summary:',
    '',
    '  Integrated loudness:',
    `    I:         ${integrated} LUFS`,
    '    Threshold: -34.0 LUFS',
    '',
    '  Loudness range:',
    `    LRA:         ${range} LU`,
    '    Threshold: -44.0 LUFS',
    '    LRA low:   -24.1 LUFS',
    '    LRA high:  -24.0 LUFS',
    '',
    '  True peak:',
    `    Peak:      ${peak} dBFS`,
  ];
}

describe('the loudness summary of ebur128', () => {
  it('reads integrated loudness, loudness range and true peak', () => {
    expect(parseLoudnessSummary(summary('-24.0', '5.3', '-14.1'))).toEqual({
      integratedLufs: -24,
      truePeakDbtp: -14.1,
      loudnessRange: 5.3,
    });
    expect(parseLoudnessSummary(summary('-9.5', '0.0', '0.4'))?.truePeakDbtp).toBe(0.4);
  });

  it('gives silence no loudness, range or peak', () => {
    expect(parseLoudnessSummary(summary('-70.0', '0.0', '-inf'))).toEqual({
      integratedLufs: null,
      truePeakDbtp: null,
      loudnessRange: null,
    });
  });

  it('finds nothing in output without a summary', () => {
    expect(parseLoudnessSummary(['Invalid data found when processing input'])).toBeUndefined();
  });

  it('opens only the MP4 it wrote, measures its first audio stream and writes nothing', () => {
    const args = buildLoudnessArgs('/out/a.mp4');
    expect(args.slice(args.indexOf('-f'), args.indexOf('-i') + 2)).toEqual([
      '-f',
      'mov',
      '-protocol_whitelist',
      'file',
      '-i',
      '/out/a.mp4',
    ]);
    expect(args.slice(-7)).toEqual([
      '-map',
      '0:a:0',
      '-af',
      'ebur128=peak=true:framelog=verbose',
      '-f',
      'null',
      '-',
    ]);
  });
});
