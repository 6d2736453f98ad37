import type {
  DeletedJob,
  Deliveries,
  Health,
  JobList,
  JobPlan,
  JobSpec,
  JobView,
  Redelivery,
  Uploads,
  UploadsRequest,
} from './contract.js';
import { AutoVidError, errorFromAnswer } from './errors.js';

export interface ClientOptions {
  /** The stage's URL (the stack's ApiUrl output, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/Prod), or auto-vid dev's. */
  readonly baseUrl: string;
  /** An API key of the usage plan, sent as X-API-Key. Jobs belong to the key that submitted them. */
  readonly apiKey: string;
  /** Longest wait for one answer, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Further tries of a request that is safe to repeat, after no answer, a 429 or a 5xx (default 2). */
  readonly retries?: number;
  /** The fetch to use (default the global one): for a proxy, a test, or another runtime. */
  readonly fetch?: typeof fetch;
}

export type JobStatus = JobView['status'];
export type UploadContentType = UploadsRequest['files'][number]['contentType'];

/** A file to upload: its bytes and name; the type is guessed from the name's extension when not given. */
export interface UploadInput {
  readonly name: string;
  /** In Node, `await fs.openAsBlob(path)` reads a file from disk without loading it whole. */
  readonly data: Blob | ArrayBuffer | Uint8Array;
  readonly contentType?: UploadContentType;
}

/** An uploaded file: `source` is what a job spec's asset takes. */
export interface UploadedFile {
  readonly name: string;
  readonly source: string;
}

export interface SubmitOptions {
  /** Within 24 h, the same key and spec answer with the same job: a retried submit never makes two. */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export interface ListJobsQuery {
  readonly status?: JobStatus;
  readonly projectId?: string;
  readonly tag?: string;
  /** Case-insensitive search in the title and projectId. */
  readonly q?: string;
  /** Jobs per page, 1 to 100 (default 20). */
  readonly limit?: number;
}

export interface WaitOptions {
  /** Called with the view whenever its status or progress changes. */
  readonly onProgress?: (view: JobView) => void;
  /** Give up after this long from the call, ms (default 30 min: time queued counts too). */
  readonly timeoutMs?: number;
  /** First pause between polls, ms (default 1 s); each pause is 1.5 times the last, up to maxIntervalMs. */
  readonly intervalMs?: number;
  /** Longest pause between polls, ms (default 10 s). */
  readonly maxIntervalMs?: number;
  readonly signal?: AbortSignal;
}

const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** The upload type of each file extension POST /uploads takes. */
export const UPLOAD_CONTENT_TYPES: Readonly<Record<string, UploadContentType>> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
};

interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Safe to send again when no answer came or the answer was a 429 or 5xx. */
  readonly repeatable: boolean;
  /**
   * A keyed submit: its 409 "still being processed" means an earlier try of this very request is
   * still under way (it timed out here, not there), so trying again soon answers with its job.
   */
  readonly keyed?: boolean;
  /** Statuses that are answers rather than errors. */
  readonly accept?: readonly number[];
  readonly signal?: AbortSignal | undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });

/**
 * The auto-vid API: upload media, submit or plan a job, wait for it, list, cancel and delete jobs,
 * read and repeat webhook deliveries. Every method answers the API's own types (contract.ts,
 * generated from its OpenAPI document) or throws an AutoVidError with the status and the API's text.
 */
export class AutoVidClient {
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    if (!options.baseUrl) throw new TypeError('baseUrl is required');
    if (!options.apiKey) throw new TypeError('apiKey is required');
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retries = options.retries ?? 2;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Uploads one file to the stack bucket (a presigned PUT from POST /uploads) and answers its
   * `source` for a job spec. The bytes go straight to S3, never through the API.
   */
  async uploadFile(file: UploadInput, options: { signal?: AbortSignal } = {}): Promise<UploadedFile> {
    const typed =
      file.data instanceof Blob && file.data.type !== '' ? (file.data.type as UploadContentType) : undefined;
    const contentType = file.contentType ?? typed ?? guessContentType(file.name);
    // A Buffer's type says its memory may be shared, which Blob's type refuses; Node copies it either way.
    const body = file.data instanceof Blob ? file.data : new Blob([file.data as Uint8Array<ArrayBuffer>]);
    const uploads = await this.requestUploads([{ name: file.name, contentType, size: body.size }], options);
    const [upload] = uploads;
    if (!upload) throw new AutoVidError('answer', 200, 'POST /uploads answered no upload URL', uploads);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#put(upload, body, file.name, options.signal);
        return { name: upload.name, source: upload.source };
      } catch (error) {
        const again = error instanceof AutoVidError && error.retryable && !options.signal?.aborted;
        if (!again || attempt >= this.#retries) throw error;
        await sleep(500 * 2 ** attempt, options.signal);
      }
    }
  }

  /**
   * POST /uploads: a presigned PUT per file (up to 20), for a caller that sends the bytes itself (a
   * browser that shows upload progress, say). Each PUT must carry the answer's `headers`.
   */
  async requestUploads(
    files: UploadsRequest['files'],
    options: { signal?: AbortSignal } = {},
  ): Promise<Uploads['uploads']> {
    const { uploads } = await this.#request<Uploads>('POST', '/uploads', {
      body: { files },
      repeatable: true,
      signal: options.signal,
    });
    return uploads;
  }

  /** One PUT of the bytes to S3; no timeout of its own (a large file may take long), the caller's signal ends it. */
  async #put(
    upload: Uploads['uploads'][number],
    body: Blob,
    name: string,
    signal?: AbortSignal,
  ): Promise<void> {
    let put: Response;
    try {
      put = await this.#fetch(upload.uploadUrl, {
        method: 'PUT',
        headers: upload.headers as Record<string, string>,
        body,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AutoVidError(
        'no-answer',
        0,
        `The upload of ${name} got no answer: ${(error as Error).message}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    if (!put.ok) {
      throw new AutoVidError(
        'answer',
        put.status,
        `The upload of ${name} was refused: HTTP ${put.status}`,
        await put.text(),
      );
    }
  }

  /** POST /submit: the job view in status `submitted`. With an idempotency key, retried on a fault. */
  submit(spec: JobSpec, options: SubmitOptions = {}): Promise<JobView> {
    const key = options.idempotencyKey;
    return this.#request<JobView>('POST', '/submit', {
      body: spec,
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
      repeatable: key !== undefined,
      keyed: key !== undefined,
      signal: options.signal,
    });
  }

  /** POST /plan: what the renderer would make of the spec, without rendering or charging speech. */
  plan(spec: JobSpec, options: { signal?: AbortSignal } = {}): Promise<JobPlan> {
    return this.#request<JobPlan>('POST', '/plan', { body: spec, repeatable: true, signal: options.signal });
  }

  /** GET /jobs/{jobId}: the job view; a completed job's URLs are signed afresh. */
  getJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<JobView> {
    return this.#request<JobView>('GET', `/jobs/${encodeURIComponent(jobId)}`, {
      repeatable: true,
      signal: options.signal,
    });
  }

  /**
   * Polls the job until it is completed, failed or cancelled and answers that view (check its
   * status: a failed job is an answer, not an error). Pauses grow from `intervalMs` by 1.5 up to
   * `maxIntervalMs`; each poll has the request's own retries. Throws an AutoVidError of kind
   * `wait-timeout` (the job goes on) once `timeoutMs`, counted from this call, has passed.
   */
  async waitForJob(jobId: string, options: WaitOptions = {}): Promise<JobView> {
    const timeoutMs = options.timeoutMs ?? 30 * 60_000;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let pause = options.intervalMs ?? 1_000;
    const longest = options.maxIntervalMs ?? 10_000;
    let seen: JobView | undefined;
    try {
      for (;;) {
        const view = await this.getJob(jobId, { signal });
        if (`${view.status}:${view.progress}` !== `${seen?.status}:${seen?.progress}`)
          options.onProgress?.(view);
        seen = view;
        if (FINAL_STATUSES.has(view.status)) return view;
        await sleep(pause, signal);
        pause = Math.min(longest, pause * 1.5);
      }
    } catch (error) {
      if (!deadline.aborted || options.signal?.aborted) throw error;
      const status = seen ? `still ${seen.status}` : 'not read';
      throw new AutoVidError(
        'wait-timeout',
        0,
        `Job ${jobId} was ${status} after ${timeoutMs} ms of waiting`,
        seen,
      );
    }
  }

  /**
   * GET /jobs, page by page: the key's jobs newest first, filtered. Each page is fetched when the
   * loop asks for it; a page may be short (even empty) before the last.
   *
   *     for await (const page of client.listJobs({ status: 'completed' })) for (const job of page.jobs) …
   */
  async *listJobs(
    query: ListJobsQuery = {},
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<JobList> {
    let cursor: string | undefined;
    do {
      const page: JobList = await this.#request<JobList>('GET', '/jobs', {
        query: { ...query, cursor },
        repeatable: true,
        signal: options.signal,
      });
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** POST /jobs/{jobId}/cancel: the view, `cancelled`; an AutoVidError 409 when the job is already final. */
  cancelJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<JobView> {
    return this.#request<JobView>('POST', `/jobs/${encodeURIComponent(jobId)}/cancel`, {
      repeatable: false,
      signal: options.signal,
    });
  }

  /** DELETE /jobs/{jobId}: a final job's outputs and record removed; 409 while it is not final. */
  deleteJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<DeletedJob> {
    return this.#request<DeletedJob>('DELETE', `/jobs/${encodeURIComponent(jobId)}`, {
      repeatable: false,
      signal: options.signal,
    });
  }

  /** GET /jobs/{jobId}/deliveries: every webhook attempt, oldest first. */
  getDeliveries(jobId: string, options: { signal?: AbortSignal } = {}): Promise<Deliveries> {
    return this.#request<Deliveries>('GET', `/jobs/${encodeURIComponent(jobId)}/deliveries`, {
      repeatable: true,
      signal: options.signal,
    });
  }

  /** POST /jobs/{jobId}/webhook: the final notification queued again, with its first `webhook-id`. */
  redeliverWebhook(jobId: string, options: { signal?: AbortSignal } = {}): Promise<Redelivery> {
    return this.#request<Redelivery>('POST', `/jobs/${encodeURIComponent(jobId)}/webhook`, {
      repeatable: false,
      signal: options.signal,
    });
  }

  /** GET /health: `ok`, or `unavailable` (a 503) when the service cannot reach its table. */
  health(options: { signal?: AbortSignal } = {}): Promise<Health> {
    return this.#request<Health>('GET', '/health', {
      repeatable: true,
      accept: [503],
      signal: options.signal,
    });
  }

  #signalFor(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  async #request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = new URL(`${this.#baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#send<T>(method, url, options);
      } catch (error) {
        if (!worthRepeating(error, options) || attempt >= this.#retries || options.signal?.aborted)
          throw error;
        await sleep(500 * 2 ** attempt + Math.random() * 250, options.signal);
      }
    }
  }

  async #send<T>(method: string, url: URL, options: RequestOptions): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          'X-API-Key': this.#apiKey,
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: this.#signalFor(options.signal),
      });
      // Reading the body may fail too (a reset, the timeout): that is no answer either.
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = `${method} ${url.pathname}: no answer (${(error as Error).message})`;
      throw new AutoVidError('no-answer', 0, reason, undefined, { cause: error });
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    if (response.ok || options.accept?.includes(response.status)) return body as T;
    throw errorFromAnswer(response.status, body);
  }
}

/** Whether a failed request may be sent again as it is. */
function worthRepeating(error: unknown, options: RequestOptions): boolean {
  if (!(error instanceof AutoVidError) || !options.repeatable) return false;
  if (error.retryable) return true;
  return options.keyed === true && error.status === 409 && error.message.includes('still being processed');
}

/** The upload type of a file name's extension; a TypeError names the extensions known. */
function guessContentType(name: string): UploadContentType {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const type = UPLOAD_CONTENT_TYPES[extension];
  if (!type) {
    throw new TypeError(
      `Cannot tell the content type of ${name}: pass contentType, or use one of .${Object.keys(UPLOAD_CONTENT_TYPES).join(', .')}`,
    );
  }
  return type;
}
