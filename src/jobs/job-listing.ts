import { type JobRecord, jobRecordSchema } from '@auto-vid/shared';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { JobCursor, JobPage, JobQuery } from './job-store.ts';

/**
 * The jobs table's global secondary index of jobs by owner, newest first: partition key `owner`,
 * sort key `submittedAt`, every attribute projected (template.yaml declares it under this name).
 */
export const JOBS_BY_OWNER_INDEX = 'ByOwner';

/**
 * Most items one request reads from the index before it answers, filters or not: a rare filter
 * over many jobs answers a short (even empty) page with a cursor rather than a slow request.
 */
export const MAX_ITEMS_READ_PER_PAGE = 1_000;

/**
 * One page of an owner's jobs, newest first. The index is read in steps of at most `limit` items;
 * filters apply to each step (DynamoDB's FilterExpression), and the page stops once it holds
 * `limit` jobs or has read MAX_ITEMS_READ_PER_PAGE items. The cursor is the last returned job's
 * keys, so a page cut part-way through a step loses nothing.
 */
export async function listOwnedJobs(
  table: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  owner: string,
  query: JobQuery,
): Promise<JobPage> {
  const records: JobRecord[] = [];
  let start: Record<string, unknown> | undefined = query.after && { ...query.after };
  let read = 0;
  do {
    const result = await table.client.send(
      new QueryCommand({
        ...queryInput(table.tableName, owner, query),
        ExclusiveStartKey: start,
        Limit: Math.min(Math.max(query.limit - records.length, 1) * 2, MAX_ITEMS_READ_PER_PAGE - read),
      }),
    );
    read += result.ScannedCount ?? 0;
    for (const item of result.Items ?? []) {
      if (records.length === query.limit) return { records, next: cursorOf(records.at(-1)) };
      records.push(jobRecordSchema.parse(item));
    }
    start = result.LastEvaluatedKey;
  } while (start && records.length < query.limit && read < MAX_ITEMS_READ_PER_PAGE);
  if (!start) return { records };
  // More may follow: from the last job returned, or from where reading stopped when none was.
  return { records, next: records.length > 0 ? cursorOf(records.at(-1)) : (start as unknown as JobCursor) };
}

function cursorOf(record: JobRecord | undefined): JobCursor | undefined {
  if (!record?.owner) return undefined;
  return { jobId: record.jobId, owner: record.owner, submittedAt: record.submittedAt };
}

/** The index query with the query's filters; the names and values only those the filters use. */
function queryInput(tableName: string, owner: string, query: JobQuery): QueryCommandInput {
  const filters: string[] = [];
  const names: Record<string, string> = { '#owner': 'owner' };
  const values: Record<string, unknown> = { ':owner': owner };
  if (query.status !== undefined) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  if (query.projectId !== undefined) {
    filters.push('#jobInfo.#projectId = :projectId');
    Object.assign(names, { '#jobInfo': 'jobInfo', '#projectId': 'projectId' });
    values[':projectId'] = query.projectId;
  }
  if (query.tag !== undefined) {
    filters.push('contains(#jobInfo.#tags, :tag)');
    Object.assign(names, { '#jobInfo': 'jobInfo', '#tags': 'tags' });
    values[':tag'] = query.tag;
  }
  if (query.q !== undefined) {
    filters.push('contains(#search, :q)');
    names['#search'] = 'search';
    values[':q'] = query.q;
  }
  return {
    TableName: tableName,
    IndexName: JOBS_BY_OWNER_INDEX,
    KeyConditionExpression: '#owner = :owner',
    ScanIndexForward: false,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
