import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import { errorResponse } from './responses.ts';

/** How long the same `Idempotency-Key` keeps answering with the job it created. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/** Keys are opaque client strings; this bounds what is hashed and stored. */
const MAX_KEY_LENGTH = 255;

/**
 * Only an answer that created a job is remembered. A 4xx (a spec the client will correct) or a
 * 5xx (a fault that will pass) leaves the key free, so the next request with it is judged afresh.
 */
class UnrememberedResponse extends Error {
  readonly response: APIGatewayProxyResult;
  constructor(response: APIGatewayProxyResult) {
    super(`not remembered: HTTP ${response.statusCode}`);
    this.response = response;
  }
}

interface KeyedRequest {
  /** The client's key, prefixed with the caller's key id: two API keys never share a job. */
  readonly key: string;
  readonly body: string;
  readonly caller?: string;
}

/**
 * Wraps submit with the `Idempotency-Key` header (Powertools idempotency on DynamoDB): once a key
 * created a job, the same key and body within 24 h answer with that job and another body is a 409.
 * A request racing one still in flight with its key waits for its answer.
 */
export function createIdempotentSubmit(
  submit: (body: string | undefined, caller?: string) => Promise<APIGatewayProxyResult>,
  persistenceStore: BasePersistenceLayer,
  options: { clock: Clock; waitMs?: number; pollMs?: number },
) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
  });
  const once = makeIdempotent(
    async (request: KeyedRequest): Promise<APIGatewayProxyResult> => {
      const response = await submit(request.body, request.caller);
      if (response.statusCode !== 200) throw new UnrememberedResponse(response);
      return response;
    },
    { persistenceStore, config },
  );
  const now = options.clock;
  const waitMs = options.waitMs ?? 10_000;
  const pollMs = options.pollMs ?? 200;

  return async (
    key: string | undefined,
    body: string | undefined,
    caller?: string,
  ): Promise<APIGatewayProxyResult> => {
    if (key === undefined) return submit(body, caller);
    if (key.trim() === '' || key.length > MAX_KEY_LENGTH) {
      return errorResponse(400, `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`, now());
    }
    const giveUpAt = Date.now() + waitMs;
    for (;;) {
      try {
        const scoped = caller === undefined ? key : `${caller}:${key}`;
        return await once({ key: scoped, body: body ?? '', ...(caller === undefined ? {} : { caller }) });
      } catch (error) {
        if (error instanceof UnrememberedResponse) return error.response;
        if (error instanceof IdempotencyValidationError) {
          return errorResponse(409, 'Idempotency-Key was already used with a different request body', now());
        }
        if (error instanceof IdempotencyAlreadyInProgressError && Date.now() < giveUpAt) {
          await sleep(pollMs);
          continue;
        }
        if (error instanceof IdempotencyAlreadyInProgressError) {
          return errorResponse(409, 'A request with this Idempotency-Key is still being processed', now());
        }
        throw error;
      }
    }
  };
}
