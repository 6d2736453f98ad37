import { MediaReadError } from './media-facts.ts';

/** Bytes of a file as a source sent them, from `start`, and the file's whole size. */
export interface RangeAnswer {
  readonly start: number;
  readonly bytes: Uint8Array;
  readonly size: number;
}

/**
 * Where a file's bytes come from, a range at a time (S3 GetObject or an HTTP GET with `Range`, or
 * a local file). An answer may hold more than was asked (a server that ignores `Range` sends the
 * whole file, from 0) but never more than `maxBytes`, and fewer only at the file's end.
 */
export interface ByteRangeSource {
  read(
    start: number,
    end: number,
    options: { readonly signal: AbortSignal; readonly maxBytes: number },
  ): Promise<RangeAnswer>;
}

/**
 * Bytes are fetched in blocks of this size, so the many small reads of a header parser (an atom
 * header, a tag, a frame sync) cost one request per block, not one each.
 */
export const READ_BLOCK_BYTES = 64 * 1024;

export interface RangeReaderOptions {
  /** The most bytes fetched from the source in all. */
  readonly maxBytes: number;
  /** Gives up the reading: the file's time limit, or the request's. */
  readonly signal: AbortSignal;
  readonly blockBytes?: number;
}

/**
 * Random access to a file through a ByteRangeSource: blocks are fetched once and kept, runs of
 * missing blocks are fetched in one request, and no more than `maxBytes` is fetched in all.
 */
export class RangeReader {
  readonly #source: ByteRangeSource;
  readonly #options: RangeReaderOptions;
  readonly #blockBytes: number;
  readonly #blocks = new Map<number, Uint8Array>();
  #size: number | undefined;
  #fetched = 0;

  constructor(source: ByteRangeSource, options: RangeReaderOptions) {
    this.#source = source;
    this.#options = options;
    this.#blockBytes = options.blockBytes ?? READ_BLOCK_BYTES;
  }

  /** Bytes fetched from the source so far. */
  get bytesFetched(): number {
    return this.#fetched;
  }

  /** Fetches the first block, which tells the file's size; returns the size. */
  async open(): Promise<number> {
    if (this.#size === undefined) await this.#fetchRun(0, 0);
    return this.#size ?? 0;
  }

  /** Bytes [start, end) of the file, fewer past its end. */
  async read(start: number, end: number): Promise<Uint8Array> {
    const size = await this.open();
    const to = Math.min(end, size);
    if (to <= start) return new Uint8Array(0);
    const first = Math.floor(start / this.#blockBytes);
    const last = Math.floor((to - 1) / this.#blockBytes);
    await this.#fetchMissing(first, last);
    const out = new Uint8Array(to - start);
    for (let block = first; block <= last; block++) {
      const bytes = this.#blocks.get(block) as Uint8Array;
      const blockStart = block * this.#blockBytes;
      const from = Math.max(start, blockStart) - blockStart;
      const until = Math.min(to, blockStart + bytes.length) - blockStart;
      out.set(bytes.subarray(from, until), Math.max(start, blockStart) - start);
    }
    return out;
  }

  async #fetchMissing(first: number, last: number): Promise<void> {
    let runStart: number | undefined;
    for (let block = first; block <= last + 1; block++) {
      const missing = block <= last && !this.#blocks.has(block);
      if (missing) runStart ??= block;
      else if (runStart !== undefined) {
        await this.#fetchRun(runStart, block - 1);
        runStart = undefined;
      }
    }
  }

  /** One request for blocks [first, last]; every block it brings is kept. */
  async #fetchRun(first: number, last: number): Promise<void> {
    const start = first * this.#blockBytes;
    const end = Math.min((last + 1) * this.#blockBytes, this.#size ?? Number.POSITIVE_INFINITY);
    const left = this.#options.maxBytes - this.#fetched;
    if (end - start > left) throw overBudget(this.#options.maxBytes);
    this.#options.signal.throwIfAborted();
    const answer = await this.#source.read(start, end, { signal: this.#options.signal, maxBytes: left });
    this.#fetched += answer.bytes.length;
    this.#size = answer.size;
    this.#keep(answer);
    for (let block = first; block <= last; block++) {
      if (!this.#blocks.has(block) && block * this.#blockBytes < answer.size) {
        throw new MediaReadError('the source sent fewer bytes than asked for');
      }
    }
  }

  /** Cuts an answer into whole blocks (or the file's last one) and keeps them. */
  #keep(answer: RangeAnswer): void {
    const size = this.#blockBytes;
    const firstBlock = Math.ceil(answer.start / size);
    for (let block = firstBlock; ; block++) {
      const from = block * size - answer.start;
      if (from >= answer.bytes.length) return;
      const bytes = answer.bytes.subarray(from, from + size);
      const reachesEnd = answer.start + from + bytes.length >= answer.size;
      if (bytes.length < size && !reachesEnd) return;
      if (!this.#blocks.has(block)) this.#blocks.set(block, bytes);
    }
  }
}

function overBudget(maxBytes: number): MediaReadError {
  return new MediaReadError(
    `its length is not within its first ${formatMiB(maxBytes)} of headers (the most a dry run reads of a file)`,
  );
}

export function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}
