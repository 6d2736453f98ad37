import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../src/local/backing-services/local-queue.ts';
import { startQueueWorker } from '../../../src/local/dev-server/worker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two workers on one queue whose visibility timeout is far shorter than the work. */
function twoWorkers(work: (event: SQSEvent) => Promise<SQSBatchResponse>) {
  const queue = new LocalQueue({ name: 'chunks', visibilityTimeoutMs: 100 });
  const options = {
    queue,
    queueArn: 'arn:aws:sqs:local:0:chunks',
    region: 'local',
    functionName: 'f',
    timeoutSeconds: 900,
  };
  const workers = [
    startQueueWorker({ ...options, handler: work }),
    startQueueWorker({ ...options, handler: work }),
  ];
  return { queue, stop: () => Promise.all(workers.map((worker) => worker.stop())) };
}

describe('the dev server queue worker', () => {
  it('keeps a message hidden while its function runs past the visibility timeout', async () => {
    // Arrange
    const calls: string[] = [];
    const { queue, stop } = twoWorkers(async (event) => {
      calls.push(event.Records[0]?.body ?? '');
      await sleep(500);
      return { batchItemFailures: [] };
    });

    // Act
    queue.send('one chunk');
    await sleep(800);
    await stop();

    // Assert
    expect(calls).toEqual(['one chunk']);
    expect(queue.size).toBe(0);
  });

  it('hands a message its function reported failed to the next receive', async () => {
    // Arrange
    const receives: number[] = [];
    const { queue, stop } = twoWorkers(async (event) => {
      const record = event.Records[0];
      receives.push(Number(record?.attributes.ApproximateReceiveCount));
      return {
        batchItemFailures: receives.length === 1 ? [{ itemIdentifier: record?.messageId ?? '' }] : [],
      };
    });

    // Act
    queue.send('retried');
    await sleep(600);
    await stop();

    // Assert
    expect(receives).toEqual([1, 2]);
  });
});
