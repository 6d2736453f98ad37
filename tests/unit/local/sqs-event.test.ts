import { createHash } from 'node:crypto';
import { parse } from '@aws-lambda-powertools/parser';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import { describe, expect, it } from 'vitest';
import { buildSqsEvent, type ReceivedMessage } from '../../../src/local/dev-server/sqs-event.ts';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:auto-vid-jobs-local';
const SOURCE = { queueArn: QUEUE_ARN, region: 'us-east-1' };

/** A message received for the second time, first received a second after it was sent. */
function message(overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return {
    messageId: '7b3e2f5c-0d1a-4c8e-9f6b-2a4d8c1e5f30',
    receiptHandle: 'receipt-1',
    body: '{"jobId":"job-1"}',
    receiveCount: 2,
    sentAt: 1_767_323_045_000,
    firstReceivedAt: 1_767_323_046_000,
    ...overrides,
  };
}

describe('buildSqsEvent', () => {
  it('holds one record for the one message', () => {
    // Act
    const event = buildSqsEvent(message(), SOURCE);
    // Assess
    expect(event.Records).toHaveLength(1);
  });

  it('carries the message id, receipt handle and body as received', () => {
    // Act
    const [record] = buildSqsEvent(message(), SOURCE).Records;
    // Assess
    expect([record?.messageId, record?.receiptHandle, record?.body]).toEqual([
      '7b3e2f5c-0d1a-4c8e-9f6b-2a4d8c1e5f30',
      'receipt-1',
      '{"jobId":"job-1"}',
    ]);
  });

  it('gives the receive count and timestamps as strings, as SQS does', () => {
    // Act
    const [record] = buildSqsEvent(message({ receiveCount: 3 }), SOURCE).Records;
    // Assess
    expect(record?.attributes).toMatchObject({
      ApproximateReceiveCount: '3',
      SentTimestamp: '1767323045000',
      ApproximateFirstReceiveTimestamp: '1767323046000',
    });
  });

  it('takes the send time as the first receive when that is unknown', () => {
    // Act
    const [record] = buildSqsEvent(message({ firstReceivedAt: undefined }), SOURCE).Records;
    // Assess
    expect(record?.attributes.ApproximateFirstReceiveTimestamp).toBe('1767323045000');
  });

  it('gives md5OfBody as the MD5 of the body in hex', () => {
    // Prepare
    const body = '{"jobId":"job-2","note":"é"}';
    // Act
    const [record] = buildSqsEvent(message({ body }), SOURCE).Records;
    // Assess
    expect(record?.md5OfBody).toBe(createHash('md5').update(body, 'utf8').digest('hex'));
  });

  it('names SQS as the source, with the queue ARN and region given', () => {
    // Act
    const [record] = buildSqsEvent(message(), { queueArn: QUEUE_ARN, region: 'eu-west-1' }).Records;
    // Assess
    expect([record?.eventSource, record?.eventSourceARN, record?.awsRegion]).toEqual([
      'aws:sqs',
      QUEUE_ARN,
      'eu-west-1',
    ]);
  });

  it('is an event the Powertools SQS schema accepts, values kept', () => {
    // Prepare
    const event = buildSqsEvent(message(), SOURCE);
    // Act
    const parsed = parse(event, undefined, SqsSchema);
    // Assess
    expect(parsed.Records[0]).toMatchObject({
      messageId: '7b3e2f5c-0d1a-4c8e-9f6b-2a4d8c1e5f30',
      body: '{"jobId":"job-1"}',
      attributes: { ApproximateReceiveCount: '2' },
      eventSourceARN: QUEUE_ARN,
    });
  });
});
