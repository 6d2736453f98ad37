import type { JobMessage } from '@auto-vid/shared';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Where accepted jobs wait for the processor. */
export interface JobQueue {
  send(message: JobMessage): Promise<void>;
}

export function createSqsJobQueue(client: SQSClient, queueUrl: string): JobQueue {
  return {
    async send(message) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}
