import { parameterDefault, type SamTemplate } from './template.ts';

/** Where the template is deployed: the names and values CloudFormation would resolve it against. */
export interface Deployment {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  /** The URL of a queue, by its physical name. */
  readonly queueUrl: (name: string) => string;
  /** Parameter values that replace the template's defaults. */
  readonly parameters?: Readonly<Record<string, string>>;
}

export interface QueueDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  readonly redrive?: { readonly deadLetterLogicalId: string; readonly maxReceiveCount: number };
}

/** A global secondary index as the template declares it (string keys, a projection). */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinitionFromTemplate {
  readonly logicalId: string;
  readonly tableName: string;
  readonly partitionKey: string;
  readonly indexes: readonly IndexDefinition[];
}

/** template.yaml with its intrinsic functions resolved for one deployment. */
export interface ResolvedTemplate {
  /** The template as read, intrinsic functions unresolved. */
  readonly source: SamTemplate;
  /** Any template value with `Ref`, `Fn::Sub`, `Fn::GetAtt`, `Fn::If`, `Fn::Join` and `Fn::Split` resolved. */
  resolve(value: unknown): unknown;
  /** The name a resource gets: its own name property, else `<stack>-<LogicalId>`. */
  physicalName(logicalId: string): string;
  /** The environment a function gets: the Globals' variables, then its own. */
  functionEnvironment(logicalId: string): Record<string, string>;
  /** Timeout in seconds (the function's, else the Globals', else Lambda's default 3). */
  functionTimeout(logicalId: string): number;
  tables(): TableDefinitionFromTemplate[];
  buckets(): string[];
  queues(): QueueDefinition[];
}

interface Scope {
  readonly template: SamTemplate;
  readonly deployment: Deployment;
}

/**
 * template.yaml read as deployed: intrinsic functions resolved against parameter defaults (or the
 * deployment's overrides), pseudo parameters and the deployment's physical names, so each function
 * gets the environment CloudFormation would give it.
 */
export function resolveTemplate(template: SamTemplate, deployment: Deployment): ResolvedTemplate {
  const scope: Scope = { template, deployment };
  return {
    source: template,
    resolve: (value) => resolveValue(scope, value),
    physicalName: (logicalId) => physicalName(scope, logicalId),
    functionEnvironment: (logicalId) => functionEnvironment(scope, logicalId),
    functionTimeout: (logicalId) =>
      Number(resourceProps(scope, logicalId).Timeout ?? template.Globals?.Function?.Timeout ?? 3),
    tables: () => tables(scope),
    buckets: () =>
      resourcesOfType(scope, 'AWS::S3::Bucket').map(([logicalId]) => physicalName(scope, logicalId)),
    queues: () => queues(scope),
  };
}

function resolveValue(scope: Scope, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveValue(scope, item));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') return ref(scope, String(argument));
  if (entries.length === 1 && key === 'Fn::Sub') return substitute(scope, argument);
  if (entries.length === 1 && key === 'Fn::GetAtt') return getAtt(scope, argument as string[]);
  if (entries.length === 1 && key === 'Fn::If') {
    const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
    return resolveValue(scope, evaluateCondition(scope, condition) ? whenTrue : whenFalse);
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = argument as [string, unknown[]];
    return parts.map((part) => String(resolveValue(scope, part))).join(separator);
  }
  if (entries.length === 1 && key === 'Fn::Split') {
    const [separator, text] = argument as [string, unknown];
    return String(resolveValue(scope, text)).split(separator);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(scope, v)]));
}

function evaluateCondition(scope: Scope, name: string): boolean {
  const evaluate = (expression: unknown): boolean => {
    const [[fn, args] = []] = Object.entries(expression as Record<string, unknown>);
    if (fn === 'Fn::Not') return !evaluate((args as unknown[])[0]);
    if (fn === 'Fn::Equals') {
      const [a, b] = (args as unknown[]).map((x) => String(resolveValue(scope, x)));
      return a === b;
    }
    if (fn === 'Condition') return evaluateCondition(scope, String(args));
    throw new Error(`Condition function ${fn} is not supported locally`);
  };
  return evaluate(scope.template.Conditions?.[name]);
}

function parameter({ template, deployment }: Scope, name: string): string {
  const override = deployment.parameters?.[name];
  if (override !== undefined) return override;
  return parameterDefault(template, name);
}

function pseudoParameter({ deployment }: Scope, name: string): string | undefined {
  const pseudo: Record<string, string> = {
    'AWS::StackName': deployment.stackName,
    'AWS::AccountId': deployment.accountId,
    'AWS::Region': deployment.region,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  return Object.hasOwn(pseudo, name) ? pseudo[name] : undefined;
}

function resourceProps(scope: Scope, logicalId: string): Record<string, unknown> {
  return scope.template.Resources[logicalId]?.Properties ?? {};
}

function resourcesOfType(scope: Scope, type: string) {
  return Object.entries(scope.template.Resources).filter(([, resource]) => resource.Type === type);
}

function physicalName(scope: Scope, logicalId: string): string {
  const resource = scope.template.Resources[logicalId];
  if (!resource) throw new Error(`template.yaml has no resource ${logicalId}`);
  const props = resource.Properties ?? {};
  const named = props.BucketName ?? props.TableName ?? props.QueueName ?? props.Name ?? props.FunctionName;
  return named === undefined
    ? `${scope.deployment.stackName}-${logicalId}`
    : String(resolveValue(scope, named));
}

function ref(scope: Scope, name: string): string {
  const { template, deployment } = scope;
  const pseudo = pseudoParameter(scope, name);
  if (pseudo !== undefined) return pseudo;
  if (name in template.Parameters) return parameter(scope, name);
  const resource = template.Resources[name];
  if (!resource) throw new Error(`Ref to unknown ${name}`);
  if (resource.Type === 'AWS::SQS::Queue') return deployment.queueUrl(physicalName(scope, name));
  if (resource.Type === 'AWS::SecretsManager::Secret') {
    return `arn:aws:secretsmanager:${deployment.region}:${deployment.accountId}:secret:${physicalName(scope, name)}`;
  }
  return physicalName(scope, name);
}

function getAtt(scope: Scope, [logicalId, attribute]: string[]): string {
  const id = logicalId as string;
  const { region, accountId } = scope.deployment;
  const type = scope.template.Resources[id]?.Type ?? '';
  if (attribute === 'QueueName') return physicalName(scope, id);
  if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute} is not supported locally`);
  const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
  const name = physicalName(scope, id);
  const resourcePart = type === 'AWS::DynamoDB::Table' ? `table/${name}` : name;
  return service === 's3'
    ? `arn:aws:s3:::${name}`
    : `arn:aws:${service}:${region}:${accountId}:${resourcePart}`;
}

function substitute(scope: Scope, argument: unknown): string {
  const [text, variables] = Array.isArray(argument)
    ? (argument as [string, Record<string, unknown>])
    : [String(argument), {}];
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name in variables) return String(resolveValue(scope, variables[name]));
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [id, attribute] = name.split('.') as [string, string];
      return getAtt(scope, [id, attribute]);
    }
    return ref(scope, name);
  });
}

function functionEnvironment(scope: Scope, logicalId: string): Record<string, string> {
  const variablesOf = (settings: Record<string, unknown> | undefined) =>
    (settings?.Environment as { Variables?: object } | undefined)?.Variables ?? {};
  const merged = resolveValue(scope, {
    ...variablesOf(scope.template.Globals?.Function),
    ...variablesOf(resourceProps(scope, logicalId)),
  }) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, String(v)]));
}

function tables(scope: Scope): TableDefinitionFromTemplate[] {
  return resourcesOfType(scope, 'AWS::DynamoDB::Table').map(([logicalId, resource]) => {
    const keys = (resource.Properties?.KeySchema ?? []) as { AttributeName: string; KeyType: string }[];
    const hash = keys.find((k) => k.KeyType === 'HASH');
    if (!hash) throw new Error(`${logicalId} has no partition key`);
    return {
      logicalId,
      tableName: physicalName(scope, logicalId),
      partitionKey: hash.AttributeName,
      indexes: indexesOf(resource.Properties?.GlobalSecondaryIndexes),
    };
  });
}

type KeyElement = { AttributeName: string; KeyType: string };

function indexesOf(declared: unknown): IndexDefinition[] {
  const indexes = (declared ?? []) as {
    IndexName: string;
    KeySchema: KeyElement[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' };
  }[];
  return indexes.map((index) => {
    const keyOf = (type: string) => index.KeySchema.find((k) => k.KeyType === type)?.AttributeName;
    return {
      indexName: index.IndexName,
      partitionKey: keyOf('HASH') as string,
      ...(keyOf('RANGE') ? { sortKey: keyOf('RANGE') } : {}),
      projection: index.Projection.ProjectionType,
    };
  });
}

function queues(scope: Scope): QueueDefinition[] {
  return resourcesOfType(scope, 'AWS::SQS::Queue').map(([logicalId, resource]) => {
    const redrive = resource.Properties?.RedrivePolicy as
      | { deadLetterTargetArn: { 'Fn::GetAtt': string[] }; maxReceiveCount: number }
      | undefined;
    return {
      logicalId,
      name: physicalName(scope, logicalId),
      visibilityTimeoutSeconds: Number(resource.Properties?.VisibilityTimeout ?? 30),
      redrive: redrive && {
        deadLetterLogicalId: redrive.deadLetterTargetArn['Fn::GetAtt'][0] as string,
        maxReceiveCount: Number(redrive.maxReceiveCount),
      },
    };
  });
}
