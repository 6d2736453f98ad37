import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

/** One chunk to encode: which job, under which attempt, which of how many chunks. */
export const chunkMessageSchema = z.object({
  jobId: z.string(),
  submittedAt: z.string(),
  /** The processor attempt that split the job: a later attempt's chunks are other objects. */
  attempt: z.number().int().min(1),
  index: z.number().int().min(0),
  total: z.number().int().min(2),
});
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

/** Where chunks wait for the chunk encoders. */
export interface ChunkQueue {
  sendAll(messages: readonly ChunkMessage[]): Promise<void>;
}

/** SQS takes at most ten messages in one batch. */
const BATCH = 10;

export function createSqsChunkQueue(client: SQSClient, queueUrl: string): ChunkQueue {
  return {
    async sendAll(messages) {
      for (let from = 0; from < messages.length; from += BATCH) {
        const batch = messages.slice(from, from + BATCH);
        const sent = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((message) => ({
              Id: String(message.index),
              MessageBody: JSON.stringify(message),
            })),
          }),
        );
        // A batch answers 200 with the entries it refused listed: each is a fault of the send.
        const failed = sent.Failed ?? [];
        if (failed.length > 0) {
          throw new Error(
            `The chunk queue refused ${failed.length} chunk(s): ${failed[0]?.Message ?? failed[0]?.Code}`,
          );
        }
      }
    },
  };
}
