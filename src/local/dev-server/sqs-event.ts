import { createHash } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';

/** One message as a queue hands it out on a receive. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** Receives so far, this one included. */
  readonly receiveCount: number;
  /** Epoch ms. */
  readonly sentAt: number;
  /** Epoch ms of the first receive; the send time when unknown. */
  readonly firstReceivedAt?: number;
}

export interface SqsEventSource {
  readonly queueArn: string;
  readonly region: string;
}

/**
 * The event Lambda's SQS event source mapping hands a function for one message (BatchSize 1): the
 * attributes are strings, as SQS gives them, and md5OfBody is the MD5 of the body in hex.
 */
export function buildSqsEvent(message: ReceivedMessage, source: SqsEventSource): SQSEvent {
  return {
    Records: [
      {
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
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
        eventSourceARN: source.queueArn,
        awsRegion: source.region,
      },
    ],
  };
}
