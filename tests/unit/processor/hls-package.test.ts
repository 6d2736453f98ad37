import { describe, expect, it } from 'vitest';
import type { PlannedHls } from '../../../src/processor/deliverables/deliverables-plan.ts';
import {
  aacCodec,
  avcCodec,
  formatMasterPlaylist,
  type HlsPackage,
  type HlsVariant,
  hlsPackageArgs,
  readMediaPlaylist,
} from '../../../src/processor/deliverables/hls-package.ts';

/** What ffmpeg is told for one playlist of the package in /w/out.hls. */
function segmenter(name: string, seconds: string, independent: boolean): string {
  return [
    `-c copy -f hls -hls_time ${seconds} -hls_playlist_type vod -hls_segment_type fmp4`,
    ...(independent ? ['-hls_flags independent_segments'] : []),
    `-hls_fmp4_init_filename ${name}_init.mp4 -hls_segment_filename /w/out.hls/${name}_%05d.m4s -y /w/out.hls/${name}.m3u8`,
  ].join(' ');
}

const input = (path: string) => `-f mov -protocol_whitelist file -i ${path}`;

describe('hlsPackageArgs', () => {
  it('reads each MP4 once, copies each variant from its video and the audio once', () => {
    // Arrange: source and the audio from the main MP4, 720p from an MP4 rendition, 360p from its own encode.
    const plan: PlannedHls = {
      directory: '/w/out.hls',
      segmentSeconds: 6,
      variants: [
        { name: 'source', source: true, from: '/w/out.mp4', width: 1920, height: 1080 },
        { name: '720p', source: false, from: '/w/out.720p.mp4', width: 1280, height: 720 },
        { name: '360p', source: false, from: '/w/out.hls.360p.mp4', width: 640, height: 360 },
      ],
      audioFrom: '/w/out.mp4',
    };
    // Act
    const args = hlsPackageArgs(plan);
    // Assess
    expect(args.join(' ')).toBe(
      [
        input('/w/out.mp4'),
        input('/w/out.720p.mp4'),
        input('/w/out.hls.360p.mp4'),
        `-map 0:v:0 ${segmenter('source', '6', true)}`,
        `-map 1:v:0 ${segmenter('720p', '6', true)}`,
        `-map 2:v:0 ${segmenter('360p', '6', true)}`,
        `-map 0:a:0 ${segmenter('audio', '6', false)}`,
      ].join(' '),
    );
  });

  it('adds the audio as an input of its own when no variant is copied from its MP4', () => {
    const plan: PlannedHls = {
      directory: '/w/out.hls',
      segmentSeconds: 2.5,
      variants: [{ name: '480p', source: false, from: '/w/out.hls.480p.mp4', width: 854, height: 480 }],
      audioFrom: '/w/out.mp4',
    };
    expect(hlsPackageArgs(plan).join(' ')).toBe(
      [
        input('/w/out.hls.480p.mp4'),
        input('/w/out.mp4'),
        `-map 0:v:0 ${segmenter('480p', '2.5', true)}`,
        `-map 1:a:0 ${segmenter('audio', '2.5', false)}`,
      ].join(' '),
    );
  });

  it('maps no audio for a video without sound', () => {
    const plan: PlannedHls = {
      directory: '/w/out.hls',
      segmentSeconds: 4,
      variants: [{ name: 'source', source: true, from: '/w/out.mp4', width: 640, height: 360 }],
    };
    expect(hlsPackageArgs(plan).join(' ')).toBe(
      `${input('/w/out.mp4')} -map 0:v:0 ${segmenter('source', '4', true)}`,
    );
  });
});

const measure = { duration: 30, segmentCount: 5, peakBitsPerSecond: 0, averageBitsPerSecond: 0 };

const VARIANTS: HlsVariant[] = [
  {
    ...measure,
    name: 'source',
    source: true,
    width: 1920,
    height: 1080,
    frameRate: 25,
    codecs: 'avc1.640028,mp4a.40.2',
    bandwidth: 5_412_345,
    averageBandwidth: 4_901_234,
  },
  {
    ...measure,
    name: '360p',
    source: false,
    width: 640,
    height: 360,
    frameRate: 30000 / 1001,
    codecs: 'avc1.64001e,mp4a.40.2',
    bandwidth: 951_000,
    averageBandwidth: 899_500,
  },
];

describe('formatMasterPlaylist', () => {
  it('names the shared audio, then each variant with the figures players choose by', () => {
    // Arrange
    const audio: NonNullable<HlsPackage['audio']> = { ...measure, codecs: 'mp4a.40.2', channels: 2 };
    // Act
    const text = formatMasterPlaylist(VARIANTS, audio);
    // Assess
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=5412345,AVERAGE-BANDWIDTH=4901234,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
        'source.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=951000,AVERAGE-BANDWIDTH=899500,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=29.970,AUDIO="audio"',
        '360p.m3u8',
        '',
      ].join('\n'),
    );
  });

  it('has no audio rendition and no AUDIO attribute for a video without sound', () => {
    const silent = VARIANTS.map((variant) => ({ ...variant, codecs: variant.codecs.split(',')[0] ?? '' }));
    expect(formatMasterPlaylist(silent, undefined)).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-STREAM-INF:BANDWIDTH=5412345,AVERAGE-BANDWIDTH=4901234,RESOLUTION=1920x1080,CODECS="avc1.640028",FRAME-RATE=25.000',
        'source.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=951000,AVERAGE-BANDWIDTH=899500,RESOLUTION=640x360,CODECS="avc1.64001e",FRAME-RATE=29.970',
        '360p.m3u8',
        '',
      ].join('\n'),
    );
  });
});

describe('readMediaPlaylist', () => {
  it('reads each segment with its duration, skipping the init segment and the tags', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-TARGETDURATION:6',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-MAP:URI="source_init.mp4"',
      '#EXTINF:6.000000,',
      'source_00000.m4s',
      '#EXTINF:5.960000,',
      'source_00001.m4s',
      '#EXTINF:2.500000,',
      'source_00002.m4s',
      '#EXT-X-ENDLIST',
      '',
    ].join('\r\n');
    expect(readMediaPlaylist(text)).toEqual([
      { duration: 6, uri: 'source_00000.m4s' },
      { duration: 5.96, uri: 'source_00001.m4s' },
      { duration: 2.5, uri: 'source_00002.m4s' },
    ]);
  });

  it('reads no segment from a playlist without any', () => {
    expect(readMediaPlaylist('#EXTM3U\n#EXT-X-ENDLIST\n')).toEqual([]);
  });
});

describe('avcCodec', () => {
  it.each([
    ['High', 31, 'avc1.64001f'],
    ['Main', 40, 'avc1.4d4028'],
    ['Constrained Baseline', 30, 'avc1.42e01e'],
    ['Baseline', 21, 'avc1.420015'],
  ])('writes %s at level %i as %s', (profile, level, codec) => {
    expect(avcCodec({ profile, level })).toBe(codec);
  });
});

describe('aacCodec', () => {
  it.each([
    ['LC', 'mp4a.40.2'],
    ['HE-AAC', 'mp4a.40.5'],
    ['HE-AACv2', 'mp4a.40.29'],
  ])('writes %s as %s', (profile, codec) => {
    expect(aacCodec(profile)).toBe(codec);
  });
});
