import { z } from 'zod';
import { MediaProbeError } from '../errors.ts';
import { ffprobeBinary } from '../render/ffmpeg.ts';
import { probeRestrictions } from '../render/media-formats.ts';
import { runProcess } from '../run-process.ts';
import type { SourceFrames } from './chunk-plan.ts';

const packetsOutput = z.object({
  format: z.object({ start_time: z.coerce.number().optional() }),
  packets: z.array(z.object({ pts_time: z.coerce.number().optional(), flags: z.string().optional() })),
});

/**
 * The video's frames from its packets, without decoding a frame: each packet's presentation time,
 * and the keyframes (flag `K`). Packets come in decode order; B-frames make presentation order
 * another, so they are sorted.
 */
export async function probeSourceFrames(path: string, demuxer: string): Promise<SourceFrames> {
  const args = [
    '-v',
    'error',
    ...probeRestrictions('video'),
    '-f',
    demuxer,
    '-select_streams',
    'v:0',
    '-show_entries',
    'format=start_time:packet=pts_time,flags',
    '-print_format',
    'json',
    '-i',
    path,
  ];
  const result = await runProcess(ffprobeBinary(), args, { stderrLines: 5 });
  const parsed = result.exitCode === 0 ? packetsOutput.safeParse(safeJson(result.stdout)) : undefined;
  if (!parsed?.success) throw new MediaProbeError('The video source could not be read frame by frame');
  return readFrames(parsed.data);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sorted presentation times from the first frame; packets without a time are not frames shown. */
export function readFrames(probe: z.infer<typeof packetsOutput>): SourceFrames {
  const packets = probe.packets
    .flatMap((packet) =>
      packet.pts_time === undefined
        ? []
        : [{ time: packet.pts_time, key: packet.flags?.includes('K') ?? false }],
    )
    .sort((a, b) => a.time - b.time);
  const first = packets[0];
  if (!first) throw new MediaProbeError('The video source has no frames');
  const micros = (seconds: number) => Math.round(seconds * 1e6) / 1e6;
  const keyframes = packets.flatMap((packet, index) => (packet.key ? [index] : []));
  return {
    times: packets.map((packet) => micros(packet.time - first.time)),
    keyframes: keyframes[0] === 0 ? keyframes : [0, ...keyframes],
    fileOffset: micros(first.time - (probe.format.start_time ?? first.time)),
  };
}
