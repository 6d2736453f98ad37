import type { SamTemplate } from './template.ts';

export interface StackIdentity {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  /** The local URL of a queue, by its physical name. */
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

export interface TableDefinitionFromTemplate {
  readonly logicalId: string;
  readonly tableName: string;
  readonly partitionKey: string;
}

/**
 * template.yaml read as a stack deployed on one machine: intrinsic functions resolved against
 * parameter defaults, pseudo parameters and the local physical names, so each function gets the
 * environment CloudFormation would give it.
 */
export function resolveStack(template: SamTemplate, identity: StackIdentity) {
  const parameter = (name: string): string => {
    const override = identity.parameters?.[name];
    if (override !== undefined) return override;
    const found = template.Parameters[name];
    if (found?.Default === undefined) throw new Error(`Parameter ${name} has no default`);
    return String(found.Default);
  };
  const pseudo: Record<string, string> = {
    'AWS::StackName': identity.stackName,
    'AWS::AccountId': identity.accountId,
    'AWS::Region': identity.region,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };

  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return ref(String(argument));
    if (entries.length === 1 && key === 'Fn::Sub') return substitute(argument);
    if (entries.length === 1 && key === 'Fn::GetAtt') return getAtt(argument as string[]);
    if (entries.length === 1 && key === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolve(evaluateCondition(condition) ? whenTrue : whenFalse);
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((p) => String(resolve(p))).join(separator);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };

  const evaluateCondition = (name: string): boolean => {
    const evaluate = (expression: unknown): boolean => {
      const [[fn, args] = []] = Object.entries(expression as Record<string, unknown>);
      if (fn === 'Fn::Not') return !evaluate((args as unknown[])[0]);
      if (fn === 'Fn::Equals') {
        const [a, b] = (args as unknown[]).map((x) => String(resolve(x)));
        return a === b;
      }
      if (fn === 'Condition') return evaluateCondition(String(args));
      throw new Error(`Condition function ${fn} is not supported locally`);
    };
    return evaluate(template.Conditions?.[name]);
  };

  const resourceProps = (logicalId: string) => template.Resources[logicalId]?.Properties ?? {};

  function physicalName(logicalId: string): string {
    const resource = template.Resources[logicalId];
    if (!resource) throw new Error(`template.yaml has no resource ${logicalId}`);
    const props = resource.Properties ?? {};
    const named = props.BucketName ?? props.TableName ?? props.QueueName ?? props.Name ?? props.FunctionName;
    return named === undefined ? `${identity.stackName}-${logicalId}` : String(resolve(named));
  }

  function ref(name: string): string {
    if (name in pseudo) return pseudo[name] as string;
    if (name in template.Parameters) return parameter(name);
    const resource = template.Resources[name];
    if (!resource) throw new Error(`Ref to unknown ${name}`);
    if (resource.Type === 'AWS::SQS::Queue') return identity.queueUrl(physicalName(name));
    if (resource.Type === 'AWS::SecretsManager::Secret') {
      return `arn:aws:secretsmanager:${identity.region}:${identity.accountId}:secret:${physicalName(name)}`;
    }
    return physicalName(name);
  }

  function getAtt([logicalId, attribute]: string[]): string {
    const id = logicalId as string;
    const type = template.Resources[id]?.Type ?? '';
    if (attribute === 'QueueName') return physicalName(id);
    if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute} is not supported locally`);
    const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
    const resourcePart = type === 'AWS::DynamoDB::Table' ? `table/${physicalName(id)}` : physicalName(id);
    return service === 's3'
      ? `arn:aws:s3:::${physicalName(id)}`
      : `arn:aws:${service}:${identity.region}:${identity.accountId}:${resourcePart}`;
  }

  function substitute(argument: unknown): string {
    const [text, variables] = Array.isArray(argument)
      ? (argument as [string, Record<string, unknown>])
      : [String(argument), {}];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in variables) return String(resolve(variables[name]));
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id, attribute] = name.split('.') as [string, string];
        return getAtt([id, attribute]);
      }
      return ref(name);
    });
  }

  return {
    template,
    resolve,
    physicalName,

    /** The environment a function gets: the Globals' variables, then its own. */
    functionEnvironment(logicalId: string): Record<string, string> {
      const globals =
        (template.Globals?.Function?.Environment as { Variables?: object } | undefined)?.Variables ?? {};
      const own =
        (resourceProps(logicalId).Environment as { Variables?: object } | undefined)?.Variables ?? {};
      const merged = resolve({ ...globals, ...own }) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, String(v)]));
    },

    /** Timeout in seconds (the function's, else the Globals', else Lambda's default 3). */
    functionTimeout(logicalId: string): number {
      return Number(resourceProps(logicalId).Timeout ?? template.Globals?.Function?.Timeout ?? 3);
    },

    tables(): TableDefinitionFromTemplate[] {
      return Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')
        .map(([logicalId, r]) => {
          const keys = (r.Properties?.KeySchema ?? []) as { AttributeName: string; KeyType: string }[];
          const hash = keys.find((k) => k.KeyType === 'HASH');
          if (!hash) throw new Error(`${logicalId} has no partition key`);
          return { logicalId, tableName: physicalName(logicalId), partitionKey: hash.AttributeName };
        });
    },

    buckets(): string[] {
      return Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::S3::Bucket')
        .map(([logicalId]) => physicalName(logicalId));
    },

    queues(): QueueDefinition[] {
      return Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
        .map(([logicalId, r]) => {
          const redrive = r.Properties?.RedrivePolicy as
            | { deadLetterTargetArn: { 'Fn::GetAtt': string[] }; maxReceiveCount: number }
            | undefined;
          return {
            logicalId,
            name: physicalName(logicalId),
            visibilityTimeoutSeconds: Number(r.Properties?.VisibilityTimeout ?? 30),
            ...(redrive
              ? {
                  redrive: {
                    deadLetterLogicalId: redrive.deadLetterTargetArn['Fn::GetAtt'][0] as string,
                    maxReceiveCount: Number(redrive.maxReceiveCount),
                  },
                }
              : {}),
          };
        });
    },
  };
}

export type ResolvedStack = ReturnType<typeof resolveStack>;
