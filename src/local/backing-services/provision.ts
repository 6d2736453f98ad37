import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  type CORSRule,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** The key schema of a table the template defines: a single string partition key. */
export interface TableDefinition {
  readonly tableName: string;
  readonly partitionKey: string;
}

/** Creates the table on the embedded DynamoDB when it is missing (TTL is a template setting). */
export async function ensureTable(client: DynamoDBClient, table: TableDefinition): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table.tableName }));
    return;
  } catch (error) {
    if (
      !(error instanceof ResourceNotFoundException) &&
      (error as Error).name !== 'ResourceNotFoundException'
    )
      throw error;
  }
  const input: CreateTableCommandInput = {
    TableName: table.tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: table.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: table.partitionKey, KeyType: 'HASH' }],
  };
  await client.send(new CreateTableCommand(input));
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
