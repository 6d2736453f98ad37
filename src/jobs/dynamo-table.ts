import { type JobRecord, jobRecordSchema } from '@auto-vid/shared';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

/** The job table as the DynamoDB adapters share it: conditional updates, aliased names. */
// `status`, `error`, `output`, `ttl` and friends are DynamoDB reserved words: always aliased.
export const NAMES = {
  '#status': 'status',
  '#updatedAt': 'updatedAt',
  '#attempts': 'attempts',
  '#leaseUntil': 'leaseUntil',
  '#progress': 'progress',
  '#error': 'error',
  '#output': 'output',
  '#deliveries': 'deliveries',
  '#chunks': 'chunks',
  '#chunksDone': 'chunksDone',
  '#joinLeaseUntil': 'joinLeaseUntil',
} as const;

/** The job is still held by this attempt of the processor. */
export const HELD_BY_ATTEMPT = '#status = :processing AND #attempts = :attempt';

export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

function usedOnly<T>(entries: Record<string, T> | undefined, expressions: string): Record<string, T> {
  return Object.fromEntries(
    Object.entries(entries ?? {}).filter(([placeholder]) =>
      new RegExp(`${placeholder}(?![A-Za-z0-9_])`).test(expressions),
    ),
  );
}

export function toRecord(item: Record<string, unknown> | undefined): JobRecord | undefined {
  return item ? jobRecordSchema.parse(item) : undefined;
}

export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export async function getRecord(table: Table, jobId: string): Promise<JobRecord | undefined> {
  const result = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: { jobId }, ConsistentRead: true }),
  );
  return toRecord(result.Item);
}

/** Runs a conditional update; undefined when the condition does not hold. */
export async function update(
  table: Table,
  input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>,
): Promise<JobRecord | undefined> {
  const expressions = `${input.UpdateExpression} ${input.ConditionExpression ?? ''}`;
  try {
    const result = await table.client.send(
      new UpdateCommand({
        TableName: table.tableName,
        ReturnValues: 'ALL_NEW',
        ...input,
        // DynamoDB refuses names and values an expression does not use.
        ExpressionAttributeNames: usedOnly(input.ExpressionAttributeNames, expressions),
        ExpressionAttributeValues: usedOnly(input.ExpressionAttributeValues, expressions),
      }),
    );
    return toRecord(result.Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
