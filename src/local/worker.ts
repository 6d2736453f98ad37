import { createHash } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createLambdaContext } from './lambda-context.ts';
import type { LocalQueue } from './local-queue.ts';

export interface QueueWorkerOptions {
  readonly queue: LocalQueue;
  readonly queueArn: string;
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
      const event: SQSEvent = {
        Records: [
          {
            messageId: message.messageId,
            receiptHandle: message.receiptHandle as string,
            body: message.body,
            attributes: {
              ApproximateReceiveCount: String(message.receiveCount),
              SentTimestamp: String(message.sentAt),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
            },
            messageAttributes: {},
            md5OfBody: createHash('md5').update(message.body).digest('hex'),
            eventSource: 'aws:sqs',
            eventSourceARN: options.queueArn,
            awsRegion: 'us-east-1',
          },
        ],
      };
      try {
        const response = await options.handler(
          event,
          createLambdaContext(options.functionName, options.timeoutSeconds),
        );
        const failed =
          response?.batchItemFailures?.some((f) => f.itemIdentifier === message.messageId) ?? false;
        if (failed) {
          options.log?.({
            message: 'Message left for redelivery',
            queue: queue.name,
            receiveCount: message.receiveCount,
          });
        } else {
          queue.delete(message.receiptHandle as string);
        }
      } catch (error) {
        options.log?.({
          message: 'Function failed; message left for redelivery',
          queue: queue.name,
          error: (error as Error).message,
        });
      } finally {
        busy = false;
      }
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
