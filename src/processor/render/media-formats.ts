/**
 * The only container formats auto-vid opens. ffmpeg can read hundreds, and some of them open other
 * files by name (HLS and DASH playlists, concat scripts, image sequences): a file uploaded as
 * `video.mp4` could then make the processor read any path it can see. So every file is probed with
 * ffprobe limited to these demuxers and to the `file` protocol, and ffmpeg opens it again with the
 * demuxer the probe found forced, never guessing twice.
 */
export type MediaKind = 'video' | 'audio';

/** ffmpeg demuxer names, as `-f` and `-format_whitelist` take them. */
const ALLOWED_DEMUXERS: Readonly<Record<MediaKind, readonly string[]>> = {
  video: ['mov', 'matroska', 'avi'],
  audio: ['mp3', 'wav', 'mov', 'aac', 'flac', 'ogg'],
};

/** The same lists as people name them, for error messages and docs. */
export const ALLOWED_FORMAT_NAMES: Readonly<Record<MediaKind, string>> = {
  video: 'MP4/MOV, Matroska/WebM or AVI',
  audio: 'MP3, WAV, M4A/AAC, FLAC or Ogg',
};

/** Input options that make ffprobe consider only the allowed demuxers and local files. */
export function probeRestrictions(kind: MediaKind): string[] {
  return ['-format_whitelist', ALLOWED_DEMUXERS[kind].join(','), '-protocol_whitelist', 'file'];
}

/**
 * The allowed demuxer behind ffprobe's `format_name` (which lists every name the demuxer answers
 * to, e.g. "mov,mp4,m4a,3gp,3g2,mj2"); undefined when it is not one we open.
 */
export function allowedDemuxer(formatName: string, kind: MediaKind): string | undefined {
  const names = formatName.split(',');
  return ALLOWED_DEMUXERS[kind].find((demuxer) => names.includes(demuxer));
}

/** Input options for ffmpeg: the probed demuxer forced, nothing but local files. */
export function forcedInputOptions(demuxer: string): string[] {
  return ['-f', demuxer, '-protocol_whitelist', 'file'];
}

/**
 * The demuxer ffprobe named when it refused a format, from its "[hls @ 0x…] Format not on
 * whitelist" line; undefined when the refusal was not about the format.
 */
export function refusedFormat(stderr: readonly string[]): string | undefined {
  for (const line of stderr) {
    const match = /^\[([\w,]+) @ [^\]]*\] Format not on whitelist/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}
