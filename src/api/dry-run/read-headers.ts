import { type IAudioMetadata, type IOptions, parseBlob, TrackType } from 'music-metadata';
import { type MediaContainer, type MediaFacts, type MediaKind, MediaReadError } from './media-facts.ts';
import type { RangeReader } from './range-reader.ts';

/** What the renderer opens, as people name it (src/processor/render/media-formats.ts). */
const ALLOWED: Readonly<Record<MediaKind, { containers: readonly MediaContainer[]; names: string }>> = {
  video: { containers: ['mp4', 'matroska'], names: 'MP4/MOV or Matroska/WebM' },
  audio: { containers: ['mp3', 'aac', 'wav', 'mp4', 'flac', 'ogg'], names: 'MP3, WAV, M4A/AAC, FLAC or Ogg' },
};

/** Box types an ISO base media file (MP4, MOV, M4A) starts with. */
const ISO_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);

interface Sniffed {
  readonly family: 'mp4' | 'matroska' | 'wav' | 'flac' | 'ogg' | 'mpeg' | 'avi';
  /** The MIME type that makes music-metadata use that parser, whatever the file's name says. */
  readonly mime: string;
}

/** The container by its first bytes: the name or the server's Content-Type is not trusted. */
function sniff(head: Uint8Array): Sniffed | undefined {
  const ascii = (from: number, to: number) => Buffer.from(head.subarray(from, to)).toString('latin1');
  if (ISO_BOXES.has(ascii(4, 8))) return { family: 'mp4', mime: 'video/mp4' };
  if (ascii(0, 4) === '\x1a\x45\xdf\xa3') return { family: 'matroska', mime: 'video/matroska' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return { family: 'wav', mime: 'audio/wav' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return { family: 'avi', mime: 'video/avi' };
  if (ascii(0, 4) === 'fLaC') return { family: 'flac', mime: 'audio/flac' };
  if (ascii(0, 4) === 'OggS') return { family: 'ogg', mime: 'audio/ogg' };
  const frameSync = head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0;
  if (ascii(0, 3) === 'ID3' || frameSync) return { family: 'mpeg', mime: 'audio/mpeg' };
  return undefined;
}

/**
 * The part of a Blob that music-metadata's parseBlob reads, through strtok3's BlobTokenizer: its
 * size and type, and the bytes of its slices. Here each slice is fetched by range when it is read.
 */
class RangedBlob {
  readonly #reader: RangeReader;
  readonly #start: number;
  readonly #end: number;
  readonly type: string;

  constructor(reader: RangeReader, start: number, end: number, type: string) {
    this.#reader = reader;
    this.#start = start;
    this.#end = end;
    this.type = type;
  }

  get size(): number {
    return this.#end - this.#start;
  }

  slice(start = 0, end = this.size): RangedBlob {
    const from = this.#start + Math.max(0, start);
    return new RangedBlob(this.#reader, from, Math.min(this.#end, this.#start + end), '');
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#reader.read(this.#start, this.#end);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return copy.buffer;
  }
}

/** What a file's headers say: its container, its length and (for a video) its picture. */
export async function readMediaFacts(reader: RangeReader, kind: MediaKind): Promise<MediaFacts> {
  const size = await reader.open();
  if (size === 0) throw new MediaReadError('the file is empty');
  const sniffed = sniff(await reader.read(0, 16));
  if (sniffed?.family === 'avi') {
    throw new MediaReadError('AVI is rendered, but its length cannot be read from its headers here');
  }
  if (!sniffed || (sniffed.family !== 'mpeg' && !isAllowed(sniffed.family, kind))) {
    throw new MediaReadError(`not a format auto-vid renders as ${kind} (${ALLOWED[kind].names})`);
  }
  const metadata = await parseHeaders(reader, size, sniffed);
  const container = sniffed.family === 'mpeg' ? mpegKind(metadata) : sniffed.family;
  if (!isAllowed(container, kind)) {
    throw new MediaReadError(`not a format auto-vid renders as ${kind} (${ALLOWED[kind].names})`);
  }
  const facts = kind === 'video' ? videoFacts(metadata, container) : audioFacts(metadata, container);
  if (isLength(facts.duration)) return facts;
  const counted = await readLengthElsewhere(reader, size, sniffed, metadata);
  if (counted !== undefined && isLength(counted)) return { ...facts, duration: counted };
  throw new MediaReadError('its length is not stated in its headers');
}

const isLength = (seconds: number): boolean => seconds > 0 && Number.isFinite(seconds);

/**
 * A length the headers do not state: an Ogg file's is on its last page; raw AAC (ADTS) and MP3
 * without a Xing/VBRI header state none, so their frames are counted, within the reader's budget.
 */
async function readLengthElsewhere(
  reader: RangeReader,
  size: number,
  sniffed: Sniffed,
  metadata: IAudioMetadata,
): Promise<number | undefined> {
  if (sniffed.family === 'ogg') return readOggLength(reader, size, metadata);
  if (sniffed.family !== 'mpeg') return undefined;
  return (await parseHeaders(reader, size, sniffed, { duration: true })).format.duration;
}

function isAllowed(container: string, kind: MediaKind): container is MediaContainer {
  return (ALLOWED[kind].containers as readonly string[]).includes(container);
}

async function parseHeaders(
  reader: RangeReader,
  size: number,
  sniffed: Sniffed,
  options: IOptions = {},
): Promise<IAudioMetadata> {
  // parseBlob asks nothing of a Blob but what RangedBlob gives (see above).
  const blob = new RangedBlob(reader, 0, size, sniffed.mime) as unknown as Blob;
  try {
    return await parseBlob(blob, { skipCovers: true, ...options });
  } catch (error) {
    if (error instanceof MediaReadError) throw error;
    throw new MediaReadError(`its headers could not be read: ${(error as Error).message}`, { cause: error });
  }
}

/** MPEG audio frames are MP3 (or MP2); ADTS frames are raw AAC. */
function mpegKind(metadata: IAudioMetadata): MediaContainer {
  return metadata.format.container?.startsWith('ADTS') ? 'aac' : 'mp3';
}

/** The video stream's length, as the renderer takes the output's (the container's when unstated). */
function videoFacts(metadata: IAudioMetadata, container: MediaContainer): MediaFacts {
  const track = metadata.format.trackInfo.find((t) => t.type === TrackType.video);
  if (!track) throw new MediaReadError('it has no video stream');
  const picture = track.video;
  return {
    duration: track.duration ?? metadata.format.duration ?? 0,
    container,
    video: {
      codec: track.codecId ?? track.codecName ?? 'unknown',
      ...(picture?.pixelWidth && picture.pixelHeight
        ? { width: picture.pixelWidth, height: picture.pixelHeight }
        : {}),
      ...(picture?.frameRate ? { frameRate: picture.frameRate } : {}),
    },
  };
}

function audioFacts(metadata: IAudioMetadata, container: MediaContainer): MediaFacts {
  if (metadata.format.hasAudio === false) throw new MediaReadError('it has no audio stream');
  return { duration: metadata.format.duration ?? 0, container };
}

/**
 * An Ogg file states its length only in its last page (the granule position: samples from the
 * start), which music-metadata reaches only by reading the whole file: the last block is read here.
 */
async function readOggLength(
  reader: RangeReader,
  size: number,
  metadata: IAudioMetadata,
): Promise<number | undefined> {
  const rate = metadata.format.sampleRate;
  if (!rate) return undefined;
  const tail = await reader.read(Math.max(0, size - 64 * 1024), size);
  const page = Buffer.from(tail).lastIndexOf('OggS');
  if (page < 0 || page + 14 > tail.length) return undefined;
  const granule = Buffer.from(tail).readBigInt64LE(page + 6);
  return granule > 0n ? Number(granule) / rate : undefined;
}
