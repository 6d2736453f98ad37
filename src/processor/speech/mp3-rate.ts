/** kbit/s by bitrate index, Layer III: MPEG-1, then MPEG-2 and 2.5 (Polly's 16–24 kHz output). */
const LAYER3_KBPS = {
  mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;

/**
 * Bytes per second of an MP3 stream, read from the header of its first frame (after an ID3v2 tag,
 * if any); undefined until enough bytes have arrived or when they are not Layer III MP3. Polly's
 * MP3 is constant bitrate, so this turns a number of seconds into a number of bytes.
 */
export function mp3BytesPerSecond(bytes: Uint8Array): number | undefined {
  let offset = 0;
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    if (bytes.length < 10) return undefined;
    // The tag size is "syncsafe": four 7-bit bytes.
    const size = ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0);
    offset = 10 + size;
  }
  for (let i = offset; i + 2 < bytes.length; i++) {
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    if (bytes[i] !== 0xff || (b1 & 0xe0) !== 0xe0) continue;
    const version = (b1 >> 3) & 0b11; // 0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1
    const layer = (b1 >> 1) & 0b11; // 1: Layer III
    const index = b2 >> 4;
    if (version === 1 || layer !== 1 || index === 0 || index === 15) continue;
    const kbps = (version === 3 ? LAYER3_KBPS.mpeg1 : LAYER3_KBPS.mpeg2)[index] ?? 0;
    return (kbps * 1000) / 8;
  }
  return undefined;
}
