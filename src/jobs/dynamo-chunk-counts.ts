import { getRecord, HELD_BY_ATTEMPT, NAMES, type Table, update } from './dynamo-table.ts';
import type { ChunkCountResult } from './job-store.ts';

/**
 * The chunk bookkeeping of a chunked re-encode, in the job's own item: `chunks.total`, `chunks.done`
 * (what the view shows), `chunksDone` (which indexes were counted, so a duplicate message never
 * counts twice) and `joinLeaseUntil` (who joins). Every update holds only while the attempt that
 * split the job still holds it.
 */

const held = (attempt: number) => ({ ':processing': 'processing', ':attempt': attempt });

export async function startChunks(
  table: Table,
  jobId: string,
  attempt: number,
  { total, now, leaseUntil }: { total: number; now: Date; leaseUntil: Date },
): Promise<boolean> {
  const record = await update(table, {
    Key: { jobId },
    UpdateExpression:
      'SET #chunks = :chunks, #chunksDone = :none, #leaseUntil = :lease, #updatedAt = :now REMOVE #joinLeaseUntil',
    ConditionExpression: HELD_BY_ATTEMPT,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ...held(attempt),
      ':chunks': { total, done: 0 },
      ':none': {},
      ':lease': leaseUntil.getTime(),
      ':now': now.toISOString(),
    },
  });
  return record !== undefined;
}

export async function countChunk(
  table: Table,
  jobId: string,
  attempt: number,
  { index, now, leaseUntil }: { index: number; now: Date; leaseUntil: Date },
): Promise<ChunkCountResult> {
  const names = { ...NAMES, '#chunk': `c${index}`, '#done': 'done' };
  const record = await update(table, {
    Key: { jobId },
    UpdateExpression:
      'SET #chunksDone.#chunk = :true, #chunks.#done = #chunks.#done + :one, #leaseUntil = :lease, #updatedAt = :now',
    ConditionExpression: `${HELD_BY_ATTEMPT} AND attribute_exists(#chunks) AND attribute_not_exists(#chunksDone.#chunk)`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ...held(attempt),
      ':true': true,
      ':one': 1,
      ':lease': leaseUntil.getTime(),
      ':now': now.toISOString(),
    },
  });
  if (record) return { outcome: 'counted', record };
  const current = await getRecord(table, jobId);
  const stillHeld = current?.status === 'processing' && current.attempts === attempt && current.chunks;
  if (stillHeld && current.chunksDone?.[`c${index}`]) return { outcome: 'already', record: current };
  return { outcome: 'lost', record: current };
}

export async function claimJoin(
  table: Table,
  jobId: string,
  attempt: number,
  { now, leaseUntil }: { now: Date; leaseUntil: Date },
): Promise<boolean> {
  const names = { ...NAMES, '#done': 'done', '#total': 'total' };
  const record = await update(table, {
    Key: { jobId },
    UpdateExpression: 'SET #joinLeaseUntil = :lease',
    ConditionExpression: `${HELD_BY_ATTEMPT} AND #chunks.#done = #chunks.#total AND (attribute_not_exists(#joinLeaseUntil) OR #joinLeaseUntil < :nowMs)`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ...held(attempt), ':lease': leaseUntil.getTime(), ':nowMs': now.getTime() },
  });
  return record !== undefined;
}

export async function releaseJoin(table: Table, jobId: string, attempt: number): Promise<void> {
  await update(table, {
    Key: { jobId },
    UpdateExpression: 'REMOVE #joinLeaseUntil',
    ConditionExpression: HELD_BY_ATTEMPT,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: held(attempt),
  });
}
