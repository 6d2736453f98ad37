import { describe, expect, it } from 'vitest';
import { parseProbe } from '../../../src/processor/render/probe.ts';

/** ffprobe's JSON for an MP4 whose video starts `videoStart` s into the file, times as it prints them. */
function report(videoStart: unknown, fileStart: unknown = '0.000000') {
  return JSON.stringify({
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '58.080000', start_time: fileStart },
    streams: [
      {
        codec_type: 'video',
        codec_name: 'h264',
        pix_fmt: 'yuv420p',
        width: 1280,
        height: 720,
        avg_frame_rate: '25/1',
        duration: '58.040000',
        start_time: videoStart,
      },
      { codec_type: 'audio', codec_name: 'aac', duration: '58.080000', start_time: '0.000000' },
    ],
  });
}

describe('the video start offset', () => {
  it.each([
    ['a video that starts one frame after its audio', '0.040000', '0.000000', 0.04],
    ['a video that starts with the file', '0.000000', '0.000000', 0],
    ['audio primed before the video (negative file start)', '0.000000', '-0.021333', 0.021333],
    ['a video that starts before its audio', '-0.040000', '-0.040000', 0],
    ['no start times', undefined, undefined, 0],
  ])('%s: %s against %s gives %d s', (_, videoStart, fileStart, offset) => {
    const probe = parseProbe(report(videoStart, fileStart));
    expect(probe?.duration).toBe(58.04);
    expect(probe?.video?.startOffset).toBe(offset);
  });

  it('measures a Matroska video, which has no stream durations, from its first frame', () => {
    const mkv = JSON.parse(report('0.040000')) as { format: object; streams: Record<string, unknown>[] };
    mkv.format = { format_name: 'matroska,webm', duration: '6.080000', start_time: '0.000000' };
    for (const stream of mkv.streams) delete stream.duration;
    const probe = parseProbe(JSON.stringify(mkv));
    expect(probe?.video?.startOffset).toBe(0.04);
    expect(probe?.duration).toBeCloseTo(6.04, 9);
  });
});
