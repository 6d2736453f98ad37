import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../clock.ts';
import { createDynamoJobStore } from '../../jobs/dynamo-job-store.ts';
import { scanAll } from '../job-scan.ts';

const UNFINISHED = ['submitted', 'processing', 'retrying'];

/**
 * Puts back to work the jobs an earlier run of the dev server left unfinished, and counts them.
 * Nothing else runs this table's jobs, so a job still `processing` was cut off by a stop: it is
 * marked `retrying`, and its message, kept on the journaled queue, delivers it again. Submitted and
 * retrying jobs only wait for their message.
 */
export async function recoverUnfinishedJobs(
  documents: DynamoDBDocumentClient,
  tableName: string,
  clock: Clock = systemClock,
): Promise<number> {
  const jobs = createDynamoJobStore(documents, tableName);
  const unfinished = (await scanAll(documents, tableName)).filter((item) =>
    UNFINISHED.includes(String(item.status)),
  );
  for (const item of unfinished) {
    if (item.status === 'processing') {
      await jobs.markRetrying(
        String(item.jobId),
        Number(item.attempts ?? 1),
        'Interrupted by a stop of the local stack',
        clock(),
      );
    }
  }
  return unfinished.length;
}
