import { type DeliverablesRequest, deliverablesSchema } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import {
  bitsPerSecond,
  keyframeSeconds,
  middleFramePosterArgs,
  type PlannedPoster,
  planDeliverables,
} from '../../../src/processor/deliverables/deliverables-plan.ts';

const SOURCE = { path: '/w/out.mp4', width: 1920, height: 1080, duration: 30, frameRate: 25, hasAudio: true };

function outputOf(fields: Record<string, unknown>): DeliverablesRequest {
  return deliverablesSchema.parse(fields);
}

describe('planDeliverables', () => {
  it('plans nothing for a spec that asks for nothing', () => {
    expect(planDeliverables(outputOf({}), SOURCE, '/w', 'out')).toBeUndefined();
  });

  it('feeds poster, sprite and each encode from one split of the decoded video', () => {
    // Act
    const plan = planDeliverables(
      outputOf({ poster: true, thumbnails: {}, renditions: ['source', { height: 720 }, { height: 481 }] }),
      SOURCE,
      '/w',
      'out',
    );
    // Assess
    expect(plan?.filterGraph).toBe(
      [
        '[0:v]split=4[d0][d1][d2][d3]',
        '[d0]fps=2,scale=1280:720:flags=bicubic,setsar=1,blackframe=amount=0:threshold=32,' +
          'metadata=mode=select:key=lavfi.blackframe.pblack:value=50:function=less,blurdetect,' +
          'metadata=mode=select:key=lavfi.blur:value=8:function=less,thumbnail=n=60[poster]',
        '[d1]fps=1/5:round=down,scale=160:90:flags=bicubic,setsar=1,tile=6x1[sprite]',
        '[d2]scale=1280:720:flags=bicubic,setsar=1[r0]',
        '[d3]scale=854:480:flags=bicubic,setsar=1[r1]',
      ].join(';\n'),
    );
    expect(plan?.outputArgs.slice(0, 10)).toEqual([
      '-map',
      '[poster]',
      '-frames:v',
      '1',
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
      '-y',
      '/w/out.poster.jpg',
    ]);
    expect(plan?.outputArgs.join(' ')).toContain(
      '-map [r0] -map 0:a:0 -c:v libx264 -preset fast -profile:v high -pix_fmt yuv420p -b:v 2800000 ' +
        '-maxrate 4200000 -bufsize 5600000 -force_key_frames expr:gte(t,n_forced*2) -g 100 -sc_threshold 0 -c:a copy -movflags +faststart -y /w/out.720p.mp4',
    );
    expect(plan?.renditions.map((r) => [r.source, r.height, r.bitrate])).toEqual([
      [true, 1080, undefined],
      [false, 720, '2800k'],
      [false, 480, '1200k'],
    ]);
  });

  it('takes the main MP4 for a rendition as tall as the video or taller, and needs no run for it alone', () => {
    const plan = planDeliverables(
      outputOf({ renditions: [{ height: 2160 }, 'source'] }),
      SOURCE,
      '/w',
      'out',
    );
    expect(plan).toEqual({
      filterGraph: '',
      outputArgs: [],
      renditions: [{ source: true, path: '/w/out.mp4', width: 1920, height: 1080 }],
    });
  });

  it('takes a poster at a time with the first frame at or after it, the last frame at most', () => {
    const at = planDeliverables(outputOf({ poster: { time: 3.5, width: 641 } }), SOURCE, '/w', 'out');
    expect(at?.filterGraph).toBe(
      "[0:v]split=1[d0];\n[d0]select='gte(t,3.5)',scale=642:362:flags=bicubic,setsar=1[poster]",
    );
    const late = planDeliverables(outputOf({ poster: { time: 90 } }), SOURCE, '/w', 'out');
    expect(late?.poster?.time).toBeCloseTo(29.96, 6);
  });

  it('takes the middle frame at the poster size when the representative pick finds none', () => {
    const plan = planDeliverables(outputOf({ poster: { format: 'webp' } }), SOURCE, '/w', 'out');
    expect(middleFramePosterArgs(plan?.poster as PlannedPoster, SOURCE).join(' ')).toBe(
      '-ss 15 -f mov -protocol_whitelist file -i /w/out.mp4 -map 0:v:0 -frames:v 1 ' +
        '-vf scale=1280:720:flags=bicubic,setsar=1 -c:v libwebp -quality 85 -y /w/out.poster.webp',
    );
  });

  it('reads bitrates as the spec writes them', () => {
    expect([
      bitsPerSecond('1200k'),
      bitsPerSecond('3M'),
      bitsPerSecond('1.5m'),
      bitsPerSecond('800000'),
    ]).toEqual([1_200_000, 3_000_000, 1_500_000, 800_000]);
  });
});

describe('planDeliverables with hls', () => {
  /** The files the encodes of a plan write, in order. */
  const encodedFiles = (outputArgs: readonly string[] | undefined) =>
    (outputArgs ?? []).filter((arg, i, all) => all[i - 1] === '-y' && arg.endsWith('.mp4'));

  it.each([
    [6, '2', 2],
    [5, '5/3', 5 / 3],
    [3, '1.5', 1.5],
    [1, '1', 1],
  ])(
    'keys the encodes of %s s segments every %s s, the largest divisor up to 2 s',
    (segmentSeconds, _, k) => {
      expect(keyframeSeconds(outputOf({ hls: { segmentSeconds } }).hls)).toBe(k);
    },
  );

  it('puts keyframes every 2 s without hls', () => {
    expect(keyframeSeconds(undefined)).toBe(2);
  });

  it('takes an HLS variant equal to an MP4 rendition from that encode, and encodes an HLS-only height once', () => {
    // Act
    const plan = planDeliverables(
      outputOf({
        renditions: [{ height: 720 }],
        hls: { renditions: ['source', { height: 720 }, { height: 360 }] },
      }),
      SOURCE,
      '/w',
      'out',
    );
    // Assess
    expect(plan?.hls).toEqual({
      directory: '/w/out.hls',
      segmentSeconds: 6,
      variants: [
        { name: 'source', source: true, from: '/w/out.mp4', width: 1920, height: 1080 },
        { name: '720p', source: false, from: '/w/out.720p.mp4', width: 1280, height: 720 },
        { name: '360p', source: false, from: '/w/out.hls.360p.mp4', width: 640, height: 360 },
      ],
      audioFrom: '/w/out.mp4',
    });
    expect(plan?.filterGraph).toBe(
      [
        '[0:v]split=2[d0][d1]',
        '[d0]scale=1280:720:flags=bicubic,setsar=1[r0]',
        '[d1]scale=640:360:flags=bicubic,setsar=1[r1]',
      ].join(';\n'),
    );
    expect(encodedFiles(plan?.outputArgs)).toEqual(['/w/out.720p.mp4', '/w/out.hls.360p.mp4']);
    expect(plan?.renditions.map((r) => r.path)).toEqual(['/w/out.720p.mp4']);
  });

  it('encodes an HLS variant of its own when the MP4 rendition of its height has another bitrate', () => {
    const plan = planDeliverables(
      outputOf({ renditions: [{ height: 720, bitrate: '2M' }], hls: { renditions: [{ height: 720 }] } }),
      SOURCE,
      '/w',
      'out',
    );
    expect(plan?.hls?.variants.map((v) => [v.name, v.from])).toEqual([['720p', '/w/out.hls.720p.mp4']]);
    expect(encodedFiles(plan?.outputArgs)).toEqual(['/w/out.720p.mp4', '/w/out.hls.720p.mp4']);
    expect(plan?.outputArgs.join(' ')).toContain('-b:v 2800000 -maxrate 4200000');
    expect(plan?.outputArgs.join(' ')).toContain('-b:v 2000000 -maxrate 3000000');
  });

  it('copies the source once for "source" and for every height at or above the video\'s', () => {
    const plan = planDeliverables(
      outputOf({ hls: { renditions: [{ height: 1080 }, 'source', { height: 2160 }, { height: 480 }] } }),
      SOURCE,
      '/w',
      'out',
    );
    expect(plan?.hls?.variants.map((v) => [v.name, v.source, v.from])).toEqual([
      ['source', true, '/w/out.mp4'],
      ['480p', false, '/w/out.hls.480p.mp4'],
    ]);
  });

  it('forces the keyframes of every encode on the segment grid', () => {
    // Act
    const plan = planDeliverables(
      outputOf({ renditions: [{ height: 720 }], hls: { renditions: [{ height: 360 }], segmentSeconds: 3 } }),
      SOURCE,
      '/w',
      'out',
    );
    // Assess: 1.5 s at 25 fps is 37.5 frames; x264 may add none of its own within twice 38.
    const args = plan?.outputArgs.join(' ');
    expect(args).toContain(
      '-force_key_frames expr:gte(t,n_forced*1.5) -g 76 -sc_threshold 0 -c:a copy -movflags +faststart -y /w/out.720p.mp4',
    );
    expect(args).toContain(
      '-force_key_frames expr:gte(t,n_forced*1.5) -g 76 -sc_threshold 0 -c:a copy -movflags +faststart -y /w/out.hls.360p.mp4',
    );
  });

  it('has no audio rendition, and maps no audio into the encodes, for a video without sound', () => {
    const plan = planDeliverables(
      outputOf({ hls: { renditions: ['source', { height: 360 }] } }),
      { ...SOURCE, hasAudio: false },
      '/w',
      'out',
    );
    expect(plan?.hls).not.toHaveProperty('audioFrom');
    expect(plan?.outputArgs).toEqual([
      '-map',
      '[r0]',
      '-c:v',
      'libx264',
      '-preset',
      'fast',
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      '-b:v',
      '800000',
      '-maxrate',
      '1200000',
      '-bufsize',
      '1600000',
      '-force_key_frames',
      'expr:gte(t,n_forced*2)',
      '-g',
      '100',
      '-sc_threshold',
      '0',
      '-movflags',
      '+faststart',
      '-y',
      '/w/out.hls.360p.mp4',
    ]);
  });

  it('plans no encode and an empty filter graph for a package of the source alone', () => {
    const plan = planDeliverables(outputOf({ hls: {} }), SOURCE, '/w', 'out');
    expect(plan).toEqual({
      filterGraph: '',
      outputArgs: [],
      renditions: [],
      hls: {
        directory: '/w/out.hls',
        segmentSeconds: 6,
        variants: [{ name: 'source', source: true, from: '/w/out.mp4', width: 1920, height: 1080 }],
        audioFrom: '/w/out.mp4',
      },
    });
  });

  /**
   * The times ffmpeg keys with `-force_key_frames expr:…` over `seconds` at `fps`: a frame is keyed
   * when the expression is non-zero, `t` its time and `n_forced` the keyframes forced before it.
   */
  function forcedKeyframeTimes(option: string, seconds: number, fps: number): number[] {
    const expression = option.replace(/^expr:/, '');
    const evaluate = new Function('t', 'n_forced', 'gte', `return ${expression};`) as (
      t: number,
      nForced: number,
      gte: (a: number, b: number) => number,
    ) => number;
    const times: number[] = [];
    for (let frame = 0; frame < seconds * fps; frame++) {
      const t = frame / fps;
      if (evaluate(t, times.length, (a, b) => (a >= b ? 1 : 0)) !== 0) times.push(t);
    }
    return times;
  }

  // 5/3 written as 1.666667 would ask the third keyframe at 5.000001 s, the frame after 5 s:
  // segments of 5 s would be cut at 5.04 s, 10.04 s, ...
  it.each([6, 7, 5, 13])(
    'keys a frame at every multiple of %s s segments in the encodes at 25 fps',
    (segmentSeconds) => {
      // Arrange
      const plan = planDeliverables(
        outputOf({ hls: { renditions: [{ height: 360 }], segmentSeconds } }),
        SOURCE,
        '/w',
        'out',
      );
      const args = plan?.outputArgs ?? [];
      const option = args[args.indexOf('-force_key_frames') + 1] ?? '';
      // Act
      const keyed = forcedKeyframeTimes(option, 600, 25);
      // Assess
      const boundaries = Array.from(
        { length: Math.floor(599 / segmentSeconds) },
        (_, i) => (i + 1) * segmentSeconds,
      );
      const missed = boundaries.filter((time) => !keyed.includes(time));
      expect({ missed: missed.length, first: missed[0] }).toEqual({ missed: 0, first: undefined });
    },
  );

  // 480 and 481 pass the schema as two heights, and both are 480p: planned twice, one playlist
  // and one file would be written twice.
  it('lists a variant once when two asked heights make the same even height', () => {
    const plan = planDeliverables(
      outputOf({ hls: { renditions: [{ height: 480 }, { height: 481 }] } }),
      SOURCE,
      '/w',
      'out',
    );
    expect(plan?.hls?.variants.map((v) => v.name)).toEqual(['480p']);
    expect(encodedFiles(plan?.outputArgs)).toEqual(['/w/out.hls.480p.mp4']);
  });

  // The same for the MP4 renditions: two encodes of /w/out.720p.mp4.
  it('delivers an MP4 rendition once when two asked heights make the same even height', () => {
    const plan = planDeliverables(
      outputOf({ renditions: [{ height: 720 }, { height: 721 }] }),
      SOURCE,
      '/w',
      'out',
    );
    expect(plan?.renditions.map((r) => r.path)).toEqual(['/w/out.720p.mp4']);
    expect(encodedFiles(plan?.outputArgs)).toEqual(['/w/out.720p.mp4']);
  });
});

describe('the delivery fields', () => {
  it('names a rendition listed twice', () => {
    const result = deliverablesSchema.safeParse({
      renditions: [{ height: 720 }, { height: 720, bitrate: '2M' }],
    });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['renditions.1', 'height 720 is listed twice'],
    ]);
  });
});
