import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  paginateScan,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  type CORSRule,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { IndexDefinition } from '../../template/resolve-template.ts';

/** The key schema of a table the template defines: a string partition key, string-keyed indexes. */
export interface TableDefinition {
  readonly tableName: string;
  readonly partitionKey: string;
  readonly indexes?: readonly IndexDefinition[];
}

/**
 * Creates the table on the embedded DynamoDB when it is missing (TTL is a template setting). A table
 * an older data folder holds without one of the template's indexes is rebuilt with it, its items
 * kept: dynalite cannot add an index to a table.
 */
export async function ensureTable(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  const existing = await describeTable(client, table.tableName);
  if (existing && hasIndexes(existing, table)) return;
  const items = existing ? await readAll(client, table.tableName) : [];
  if (existing) await client.send(new DeleteTableCommand({ TableName: table.tableName }));
  await client.send(new CreateTableCommand(createTableInput(table)));
  for (const item of items) await client.send(new PutItemCommand({ TableName: table.tableName, Item: item }));
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException')
      return undefined;
    throw error;
  }
}

function hasIndexes(existing: TableDescription, table: TableDefinition): boolean {
  const names = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  return (table.indexes ?? []).every((index) => names.has(index.indexName));
}

async function readAll(client: DynamoDBClient, tableName: string) {
  const items = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

function createTableInput(table: TableDefinition): CreateTableCommandInput {
  const indexes = table.indexes ?? [];
  const attributes = new Set([
    table.partitionKey,
    ...indexes.flatMap((index) => [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])]),
  ]);
  return {
    TableName: table.tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: table.partitionKey, KeyType: 'HASH' }],
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: index.projection },
          })),
        }
      : {}),
  };
}

/** Creates the bucket on the embedded S3 when it is missing, with the template's CORS rules. */
export async function ensureBucket(s3: S3Client, bucket: string, cors?: CORSRule[]): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  if (cors?.length)
    await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: cors } }));
}
