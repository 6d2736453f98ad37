import { FINAL_STATUSES, type JobRecord, type StoredOutput, type WebhookAttempt } from '@auto-vid/shared';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { claimJoin, countChunk, releaseJoin, startChunks } from './dynamo-chunk-counts.ts';
import { getRecord, HELD_BY_ATTEMPT, isConditionFailure, NAMES, type Table, update } from './dynamo-table.ts';
import { listOwnedJobs } from './job-listing.ts';
import type { ClaimResult, JobStore } from './job-store.ts';

/** Statuses a job never leaves (the contract's FINAL_STATUSES), as expression values and a condition. */
const FINAL_VALUES: Record<string, string> = Object.fromEntries(
  [...FINAL_STATUSES].map((status) => [`:${status}`, status]),
);
const FINAL_CONDITION = `#status IN (${Object.keys(FINAL_VALUES).join(', ')})`;

/** The job table in DynamoDB (or dynalite): partition key `jobId`, TTL on `ttl`. */
export function createDynamoJobStore(client: DynamoDBDocumentClient, tableName: string): JobStore {
  const table: Table = { client, tableName };
  return {
    create: (record) => createRecord(table, record),
    get: (jobId) => getRecord(table, jobId),
    claim: (jobId, now, leaseUntil) => claimJob(table, jobId, now, leaseUntil),
    reportProgress: (jobId, attempt, progress, now) => reportProgress(table, jobId, attempt, progress, now),
    complete: (jobId, attempt, result, now) => completeJob(table, jobId, attempt, result, now),
    markRetrying: (jobId, attempt, error, now) => markRetrying(table, jobId, attempt, error, now),
    fail: (jobId, error, now, extra) => failJob(table, jobId, error, now, extra),
    cancel: (jobId, now) => cancelJob(table, jobId, now),
    remove: (jobId) => removeFinalJob(table, jobId),
    list: (owner, query) => listOwnedJobs(table, owner, query),
    recordDelivery: (jobId, attempt) => recordDelivery(table, jobId, attempt),
    startChunks: (jobId, attempt, total, now, leaseUntil) =>
      startChunks(table, jobId, attempt, { total, now, leaseUntil }),
    countChunk: (jobId, attempt, index, now, leaseUntil) =>
      countChunk(table, jobId, attempt, { index, now, leaseUntil }),
    claimJoin: (jobId, attempt, now, leaseUntil) => claimJoin(table, jobId, attempt, { now, leaseUntil }),
    releaseJoin: (jobId, attempt) => releaseJoin(table, jobId, attempt),
  };
}

async function createRecord(table: Table, record: JobRecord): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: record,
      ConditionExpression: 'attribute_not_exists(jobId)',
    }),
  );
}

async function claimJob(table: Table, jobId: string, now: Date, leaseUntil: Date): Promise<ClaimResult> {
  const record = await update(table, {
    Key: { jobId },
    UpdateExpression:
      'SET #status = :processing, #updatedAt = :now, #attempts = if_not_exists(#attempts, :zero) + :one, #leaseUntil = :lease, #progress = :zero',
    ConditionExpression:
      'attribute_exists(jobId) AND (#status IN (:submitted, :retrying) OR (#status = :processing AND #leaseUntil < :nowMs))',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':processing': 'processing',
      ':submitted': 'submitted',
      ':retrying': 'retrying',
      ':now': now.toISOString(),
      ':nowMs': now.getTime(),
      ':lease': leaseUntil.getTime(),
      ':zero': 0,
      ':one': 1,
    },
  });
  return record ? { claimed: true, record } : { claimed: false, record: await getRecord(table, jobId) };
}

async function reportProgress(
  table: Table,
  jobId: string,
  attempt: number,
  progress: number,
  now: Date,
): Promise<boolean> {
  // Only forward: writes that race (two chunk encoders counting at once) land in any order.
  const record = await update(table, {
    Key: { jobId },
    UpdateExpression: 'SET #progress = :progress, #updatedAt = :now',
    ConditionExpression: `${HELD_BY_ATTEMPT} AND (attribute_not_exists(#progress) OR #progress < :progress)`,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':processing': 'processing',
      ':attempt': attempt,
      ':progress': progress,
      ':now': now.toISOString(),
    },
  });
  return record !== undefined;
}

function completeJob(
  table: Table,
  jobId: string,
  attempt: number,
  result: { output: StoredOutput; processingTime: number },
  now: Date,
): Promise<JobRecord | undefined> {
  return updateHeld(
    table,
    jobId,
    attempt,
    'SET #status = :completed, #updatedAt = :now, completedAt = :now, processingTime = :time, #output = :output, #error = :null REMOVE #progress, #leaseUntil',
    {
      ':completed': 'completed',
      ':now': now.toISOString(),
      ':time': result.processingTime,
      ':output': result.output,
      ':null': null,
    },
  );
}

function markRetrying(
  table: Table,
  jobId: string,
  attempt: number,
  error: string,
  now: Date,
): Promise<JobRecord | undefined> {
  return updateHeld(
    table,
    jobId,
    attempt,
    'SET #status = :retrying, #updatedAt = :now, #error = :error REMOVE #progress, #leaseUntil',
    { ':retrying': 'retrying', ':now': now.toISOString(), ':error': error },
  );
}

function failJob(
  table: Table,
  jobId: string,
  error: string,
  now: Date,
  extra: { processingTime?: number; attempt?: number } = {},
): Promise<JobRecord | undefined> {
  const attemptCondition = extra.attempt === undefined ? '' : ' AND #attempts = :attempt';
  return update(table, {
    Key: { jobId },
    UpdateExpression: `SET #status = :failed, #updatedAt = :now, #error = :error${
      extra.processingTime === undefined ? '' : ', processingTime = :time'
    } REMOVE #progress, #leaseUntil`,
    ConditionExpression: `attribute_exists(jobId) AND NOT (${FINAL_CONDITION})${attemptCondition}`,
    ExpressionAttributeNames: NAMES,
    // Values the expressions do not use are dropped by update().
    ExpressionAttributeValues: {
      ...FINAL_VALUES,
      ':now': now.toISOString(),
      ':error': error,
      ':time': extra.processingTime,
      ':attempt': extra.attempt,
    },
  });
}

/** Any state but a final one → `cancelled`; undefined when the job is unknown or already final. */
function cancelJob(table: Table, jobId: string, now: Date): Promise<JobRecord | undefined> {
  return update(table, {
    Key: { jobId },
    UpdateExpression: 'SET #status = :cancelled, #updatedAt = :now REMOVE #progress, #leaseUntil',
    ConditionExpression: `attribute_exists(jobId) AND NOT (${FINAL_CONDITION})`,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ...FINAL_VALUES, ':now': now.toISOString() },
  });
}

/** Deletes a final job's record; false when it is unknown or not final. */
async function removeFinalJob(table: Table, jobId: string): Promise<boolean> {
  try {
    await table.client.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: { jobId },
        ConditionExpression: `attribute_exists(jobId) AND ${FINAL_CONDITION}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: FINAL_VALUES,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Appends one webhook attempt to the job's delivery log; false when the job is gone. */
async function recordDelivery(table: Table, jobId: string, attempt: WebhookAttempt): Promise<boolean> {
  const record = await update(table, {
    Key: { jobId },
    UpdateExpression: 'SET #deliveries = list_append(if_not_exists(#deliveries, :none), :attempt)',
    ConditionExpression: 'attribute_exists(jobId)',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':none': [], ':attempt': [attempt] },
  });
  return record !== undefined;
}

/** An update that applies only while `attempt` still holds the job. */
function updateHeld(
  table: Table,
  jobId: string,
  attempt: number,
  updateExpression: string,
  values: Record<string, unknown>,
): Promise<JobRecord | undefined> {
  return update(table, {
    Key: { jobId },
    UpdateExpression: updateExpression,
    ConditionExpression: HELD_BY_ATTEMPT,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':processing': 'processing', ':attempt': attempt, ...values },
  });
}
