import { type DeliverablesRequest, deliverablesSchema } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import {
  bitsPerSecond,
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
