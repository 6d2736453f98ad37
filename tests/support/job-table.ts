import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient } from '../../src/aws/clients.ts';
import { createDynamoJobStore } from '../../src/jobs/dynamo-job-store.ts';
import type { JobStore } from '../../src/jobs/job-store.ts';
import type { Emulators } from '../../src/local/backing-services/emulators.ts';
import { ensureTable } from '../../src/local/backing-services/provision.ts';
import { scanAll } from '../../src/local/job-scan.ts';
import { resolveTemplate } from '../../src/template/resolve-template.ts';
import { loadTemplate } from '../../src/template/template.ts';

let tables = 0;

/** The template's JobsTable: its key and its indexes. */
function jobsTableDefinition() {
  const template = resolveTemplate(loadTemplate(), {
    stackName: 'test',
    accountId: '000000000000',
    region: 'us-east-1',
    queueUrl: (queue) => queue,
  });
  const table = template.tables().find((t) => t.logicalId === 'JobsTable');
  if (!table) throw new Error('template.yaml defines no JobsTable');
  return table;
}

export interface JobTable {
  readonly name: string;
  readonly store: JobStore;
  readonly client: DynamoDBDocumentClient;
  /** Every item in the table, as DynamoDB holds it. */
  scan(): Promise<Record<string, unknown>[]>;
}

/** A fresh jobs table on the embedded DynamoDB, shaped as the template defines it. */
export async function createJobTable(emulators: Emulators): Promise<JobTable> {
  const name = `jobs-${process.pid}-${++tables}`;
  const raw = new DynamoDBClient({
    endpoint: emulators.dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(raw, { ...jobsTableDefinition(), tableName: name });
  const client = createDynamoDocumentClient({ ...emulators.env });
  return {
    name,
    store: createDynamoJobStore(client, name),
    client,
    scan() {
      return scanAll(client, name);
    },
  };
}
