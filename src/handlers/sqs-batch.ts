import { type JobMessage, jobMessageSchema } from '@auto-vid/shared';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';

/** An SQS-triggered function as Lambda calls it. */
export type SqsLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Thrown for a record that must come back: Powertools reports it as a batch item failure. */
export class RedeliverError extends Error {
  override readonly name = 'RedeliverError';
}

/**
 * SQS batch frame shared by the processor and the dead-letter consumer: each record's body is read
 * as a job message (a record that is not one cannot name a job and is dropped with an error log),
 * `jobId` is on every log line, and a record whose handler throws is reported in
 * `batchItemFailures` so only it is redelivered.
 */
export function sqsJobHandler(
  logger: Logger,
  handle: (message: JobMessage, record: SQSRecord, context: Context) => Promise<void>,
): SqsLambda {
  return sqsMessageHandler(logger, jobMessageSchema, handle);
}

/** The same frame for messages of another shape that name a job (the chunk queue's). */
export function sqsMessageHandler<M extends { readonly jobId: string }>(
  logger: Logger,
  schema: z.ZodType<M>,
  handle: (message: M, record: SQSRecord, context: Context) => Promise<void>,
): SqsLambda {
  const processor = new BatchProcessor(EventType.SQS);
  return (event, context) =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        let message: M;
        try {
          message = schema.parse(JSON.parse(record.body));
        } catch (error) {
          logger.error('Dropping a message that is not a job message', {
            messageId: record.messageId,
            error: (error as Error).message,
          });
          return;
        }
        logger.appendKeys({ jobId: message.jobId, messageId: record.messageId });
        try {
          await handle(message, record, context);
        } finally {
          logger.removeKeys(['jobId', 'messageId']);
        }
      },
      processor,
      { context, throwOnFullBatchFailure: false },
    );
}
