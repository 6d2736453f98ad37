import { readFileSync } from 'node:fs';
import { type CollectionTag, parse, type ScalarTag } from 'yaml';

/** CloudFormation's short-form intrinsic functions, read as their long JSON form. */
const INTRINSICS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
];

function intrinsicTags(): (ScalarTag | CollectionTag)[] {
  return INTRINSICS.flatMap((name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    const tag = `!${name}`;
    const scalar: ScalarTag = {
      tag,
      resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }),
    };
    const seq: CollectionTag = {
      tag,
      collection: 'seq',
      resolve: (value) => ({ [key]: (value as { toJSON(): unknown }).toJSON() }),
    } as CollectionTag;
    const map: CollectionTag = {
      tag,
      collection: 'map',
      resolve: (value) => ({ [key]: (value as { toJSON(): unknown }).toJSON() }),
    } as CollectionTag;
    return [scalar, seq, map];
  });
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly Condition?: string;
}

export interface SamTemplate {
  readonly Parameters: Record<string, { Type: string; Default?: string | number; [key: string]: unknown }>;
  readonly Globals?: { Function?: Record<string, unknown> };
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string }>;
  readonly Conditions?: Record<string, unknown>;
}

/** Reads template.yaml with CloudFormation's tags (`!Ref`, `!Sub`, `!GetAtt` …) as plain data. */
export function loadTemplate(
  path: string | URL = new URL('../../template.yaml', import.meta.url),
): SamTemplate {
  return parse(readFileSync(path, 'utf8'), { customTags: intrinsicTags() }) as SamTemplate;
}

/** A parameter's default, as a deployed stack would get it without overrides. */
export function parameterDefault(template: SamTemplate, name: string): string {
  const parameter = template.Parameters[name];
  if (parameter?.Default === undefined) throw new Error(`template.yaml has no default for parameter ${name}`);
  return String(parameter.Default);
}

/** Where a function's code starts: its handler (`file.export`) and the source file esbuild bundles. */
export interface FunctionCode {
  readonly handler: string;
  /** The entry point from the repository root, e.g. `src/handlers/submit-job.ts`. */
  readonly entryPoint: string;
}

/**
 * A function's handler and entry point as the template defines them: the esbuild entry point of a
 * zip function, or for an image its `ImageConfig.Command`, else the `CMD` of its Dockerfile
 * (`src/handlers/<file>.ts`): several functions may run one image with different handlers.
 */
export function functionCode(
  template: SamTemplate,
  logicalId: string,
  root: URL = new URL('../../', import.meta.url),
): FunctionCode {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Serverless::Function')
    throw new Error(`template.yaml has no function ${logicalId}`);
  if (resource.Properties?.PackageType === 'Image') {
    const handler = imageHandler(resource, logicalId, root);
    return { handler, entryPoint: `src/handlers/${handler.slice(0, handler.lastIndexOf('.'))}.ts` };
  }
  const entryPoint = (resource.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined)
    ?.EntryPoints?.[0];
  if (!entryPoint) throw new Error(`${logicalId} has no esbuild entry point in template.yaml`);
  // esbuild runs in CodeUri, so entry points are relative to it.
  return { handler: String(resource.Properties?.Handler), entryPoint: codeUriPath(resource, entryPoint) };
}

const HANDLER = /^[\w-]+\.\w+$/;

/** An image function's `file.handler`: its ImageConfig.Command overrides its Dockerfile's CMD. */
function imageHandler(resource: CfnResource, logicalId: string, root: URL): string {
  const command = (resource.Properties?.ImageConfig as { Command?: unknown[] } | undefined)?.Command;
  if (command !== undefined) {
    const [handler] = command;
    if (command.length !== 1 || typeof handler !== 'string' || !HANDLER.test(handler))
      throw new Error(`The ImageConfig.Command of ${logicalId} is not ["file.handler"]`);
    return handler;
  }
  const dockerfile = readFileSync(new URL(String(resource.Metadata?.Dockerfile), root), 'utf8');
  const handler = /^CMD \["([\w-]+\.\w+)"\]/m.exec(dockerfile)?.[1];
  if (!handler) throw new Error(`The Dockerfile of ${logicalId} has no CMD ["file.handler"]`);
  return handler;
}

/** A path inside a zip function's CodeUri, from the repository root. */
export function codeUriPath(resource: CfnResource, path = ''): string {
  const codeUri = String(resource.Properties?.CodeUri ?? './').replace(/^\.\/?/, '');
  return `${codeUri}${codeUri === '' || codeUri.endsWith('/') ? '' : '/'}${path}`;
}

/** One event source of a function: an API route or an SQS queue (other types only by name). */
export interface FunctionEvent {
  readonly Type: string;
  /** An Api event's resource path, e.g. `/status/{jobId}`. */
  readonly path?: string;
  readonly method?: string;
  /** False for an Api event whose `Auth.ApiKeyRequired` is false (the API's default is a key). */
  readonly apiKeyRequired?: boolean;
  /** The logical id of the queue an SQS event reads. */
  readonly queueLogicalId?: string;
}

/** Each function of the template with its API routes and SQS sources, by logical id. */
export function functionEvents(template: SamTemplate): Record<string, FunctionEvent[]> {
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .map(([logicalId, resource]) => {
        const events = (resource.Properties?.Events ?? {}) as Record<string, TemplateEvent>;
        return [logicalId, Object.values(events).map(readFunctionEvent)];
      }),
  );
}

interface TemplateEvent {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

function readFunctionEvent(event: TemplateEvent): FunctionEvent {
  if (event.Type === 'Api') {
    const auth = event.Properties.Auth as { ApiKeyRequired?: boolean } | undefined;
    return {
      Type: 'Api',
      path: String(event.Properties.Path),
      method: String(event.Properties.Method),
      apiKeyRequired: auth?.ApiKeyRequired !== false,
    };
  }
  if (event.Type === 'SQS') {
    const queue = event.Properties.Queue as { 'Fn::GetAtt': string[] };
    return { Type: 'SQS', queueLogicalId: queue['Fn::GetAtt'][0] as string };
  }
  return { Type: event.Type };
}
