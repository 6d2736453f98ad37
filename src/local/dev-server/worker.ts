import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalQueue, QueuedMessage } from '../backing-services/local-queue.ts';
import { createLambdaContext } from '../lambda-context.ts';
import { buildSqsEvent } from './sqs-event.ts';

export interface QueueWorkerOptions {
  readonly queue: LocalQueue;
  readonly queueArn: string;
  readonly region: string;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  readonly log?: (fields: Record<string, unknown>) => void;
}

export interface QueueWorker {
  /** Stops taking messages and resolves once the message in hand is done. */
  stop(): Promise<void>;
  /** True while a message is being handled. */
  readonly busy: boolean;
}

/**
 * Lambda's SQS event source mapping on one machine: one message at a time (BatchSize 1), handed to
 * the function as a real SQS event; deleted when the function reports no failure for it, left to
 * come back after its visibility timeout otherwise (and so, past maxReceiveCount, to the
 * dead-letter queue).
 */
export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { queue } = options;
  let running = true;
  let busy = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = queue.onMessage(() => wake?.());

  const sleepUntilWork = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      const next = queue.nextVisibleAt();
      if (next !== undefined) timer = setTimeout(resolve, Math.max(0, next - Date.now()) + 5);
    }).finally(() => {
      wake = undefined;
      clearTimeout(timer);
    });

  const loop = (async () => {
    while (running) {
      const [message] = queue.receive(1);
      if (!message) {
        await sleepUntilWork();
        continue;
      }
      busy = true;
      await deliver(message, options).finally(() => {
        busy = false;
      });
    }
  })();

  return {
    get busy() {
      return busy;
    },
    async stop() {
      running = false;
      unsubscribe();
      wake?.();
      await loop;
    },
  };
}

/**
 * Calls the function with one message; deletes it unless the function failed or reported it failed.
 * While the function runs, the message is kept hidden: here the visibility timeout is also the retry
 * delay (seconds, not the template's 5400 s), and a render or a chunk encode outlasts it, so without
 * this another worker would take the same message and do the work twice.
 */
async function deliver(message: QueuedMessage, options: QueueWorkerOptions): Promise<void> {
  const { queue } = options;
  const receiptHandle = message.receiptHandle as string;
  const hidden = queue.visibilityTimeoutMs;
  const keepHidden = setInterval(
    () => queue.changeVisibility(receiptHandle, hidden),
    Math.max(50, hidden / 2),
  );
  try {
    const response = await options.handler(
      buildSqsEvent({ ...message, receiptHandle }, { queueArn: options.queueArn, region: options.region }),
      createLambdaContext(options.functionName, options.timeoutSeconds),
    );
    const failed = response?.batchItemFailures?.some((f) => f.itemIdentifier === message.messageId) ?? false;
    if (failed) {
      options.log?.({
        message: 'Message left for redelivery',
        queue: queue.name,
        receiveCount: message.receiveCount,
      });
    } else {
      queue.delete(receiptHandle);
    }
  } catch (error) {
    options.log?.({
      message: 'Function failed; message left for redelivery',
      queue: queue.name,
      error: (error as Error).message,
    });
  } finally {
    clearInterval(keepHidden);
  }
}
