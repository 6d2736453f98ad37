import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOBS_BY_OWNER_INDEX } from '../../src/jobs/job-listing.ts';
import { PREFLIGHT_HEADERS } from '../../src/local/dev-server/gateway.ts';
import {
  CHUNK_PREFIX,
  CONSOLE_PREFIX,
  OUTPUT_PREFIX,
  READABLE_PREFIXES,
} from '../../src/policy/deployment-rules.ts';
import { readSettings } from '../../src/settings.ts';
import { resolveTemplate } from '../../src/template/resolve-template.ts';
import { type CfnResource, functionCode, functionEvents, loadTemplate } from '../../src/template/template.ts';

const template = loadTemplate();
const resource = (id: string): CfnResource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`template.yaml has no ${id}`);
  return found;
};
// Template properties are free-form CloudFormation data; the assertions below give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
const props = (id: string) => resource(id).Properties as Record<string, any>;
const statements = (id: string): { Sid: string; Action: string | string[]; Resource: unknown }[] =>
  (props(id).Policies as { Statement: [] }[]).flatMap((policy) => policy.Statement);
const actions = (id: string) =>
  statements(id).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** Every resource a function's statements grant `action` on. */
const scopesOf = (id: string, action: string) =>
  statements(id)
    .filter((s) => list(s.Action).includes(action))
    .flatMap((s) => list(s.Resource));
const bucketPath = (prefix: string) => ({ 'Fn::Sub': `\${S3Bucket.Arn}/${prefix}*` });
/** The functions that run processor-container/Dockerfile's image, each with its own handler. */
const IMAGE_FUNCTIONS = ['VideoProcessorFunction', 'ChunkEncoderFunction'] as const;

type Route = readonly [path: string, method: string];

/**
 * The routes open without an API key: load balancers hold none, and players cannot send headers
 * (the playlists check the token in their query instead). Every other route needs the key.
 */
const OPEN_ROUTES: readonly string[] = ['GET /health', 'GET /jobs/{jobId}/hls/{playlist}'];
const HLS_PLAYLIST_PATH = '/jobs/{jobId}/hls/{playlist}';
const OUTPUTS = { 'Fn::Sub': `\${S3Bucket.Arn}/${OUTPUT_PREFIX}*` };
const BUCKET_ARN = { 'Fn::GetAtt': ['S3Bucket', 'Arn'] };
const API_BASE_URL = 'https://${JobsApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/Prod';
const DISTRIBUTION_ARN =
  'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${OutputsDistribution}';
const CONSOLE_FILES = { 'Fn::Sub': `\${S3Bucket.Arn}/${CONSOLE_PREFIX}*` };
/** template.yaml as deployed with these parameter values. */
const deployedWith = (parameters: Record<string, string>) =>
  resolveTemplate(template, {
    stackName: 'test',
    accountId: '000000000000',
    region: 'us-east-1',
    queueUrl: (queue) => queue,
    parameters,
  });
const apiFunctions = () =>
  Object.entries(functionEvents(template))
    .filter(([, events]) => events.some((event) => event.Type === 'Api'))
    .map(([id]) => id);

const ZIP_FUNCTIONS: Record<string, { handler: string; routes?: readonly Route[] }> = {
  SubmitJobFunction: { handler: 'submit-job.handler', routes: [['/submit', 'post']] },
  GetStatusFunction: {
    handler: 'get-status.handler',
    routes: [
      ['/status/{jobId}', 'get'],
      ['/jobs/{jobId}', 'get'],
      ['/jobs', 'get'],
      ['/jobs/{jobId}/deliveries', 'get'],
    ],
  },
  CreateUploadsFunction: { handler: 'create-uploads.handler', routes: [['/uploads', 'post']] },
  JobActionsFunction: {
    handler: 'job-actions.handler',
    routes: [
      ['/jobs/{jobId}/cancel', 'post'],
      ['/jobs/{jobId}', 'delete'],
      ['/jobs/{jobId}/webhook', 'post'],
    ],
  },
  ServiceInfoFunction: {
    handler: 'service-info.handler',
    routes: [
      ['/health', 'get'],
      ['/openapi.json', 'get'],
    ],
  },
  PlanJobFunction: { handler: 'plan-job.handler', routes: [['/plan', 'post']] },
  PlaybackFunction: { handler: 'playback.handler', routes: [[HLS_PLAYLIST_PATH, 'get']] },
  DeadLetterFunction: { handler: 'dead-letter.handler' },
  WebhookDeliveryFunction: { handler: 'deliver-webhooks.handler' },
};

describe('template.yaml', () => {
  it('has the parity parameters with their defaults', () => {
    const defaults = Object.fromEntries(
      Object.entries(template.Parameters).map(([name, p]) => [name, p.Default]),
    );
    expect(defaults).toMatchObject({
      AppName: 'auto-vid',
      ApiRateLimit: 2,
      ApiBurstLimit: 5,
      ApiQuotaLimit: 50,
      JobTtlSeconds: 604800,
      PresignedUrlExpiration: 86400,
      LogLevel: 'INFO',
      PollyRegion: 'us-east-1',
      WebhookMaxHeadersSize: 1024,
      WebhookMaxMetadataSize: 1024,
    });
    expect(template.Parameters.OutputRetentionDays).toBeDefined();
  });

  it('gives every function the parity environment variables', () => {
    const environment = template.Globals?.Function?.Environment as { Variables: object } | undefined;
    expect(Object.keys(environment?.Variables ?? {})).toEqual(
      expect.arrayContaining([
        'S3_BUCKET_NAME',
        'APP_AWS_REGION',
        'DYNAMODB_JOBS_TABLE',
        'SQS_JOB_QUEUE_URL',
        'DYNAMODB_JOBS_TTL_SECONDS',
        'WEBHOOK_MAX_HEADERS_SIZE',
        'WEBHOOK_MAX_METADATA_SIZE',
        'S3_PRESIGNED_URL_EXPIRATION',
        'LOG_LEVEL',
      ]),
    );
  });

  it('creates one REST API with only the Prod stage and one named key in the usage plan', () => {
    const api = props('JobsApi');
    expect(resource('JobsApi').Type).toBe('AWS::Serverless::Api');
    expect(api.StageName).toBe('Prod');
    // Without an OpenApiVersion SAM adds a second stage named "Stage", outside the usage plan.
    expect(api.OpenApiVersion).toBe('3.0.1');
    expect(api.Auth).toEqual({
      ApiKeyRequired: true,
      AddApiKeyRequiredToCorsPreflight: false,
      UsagePlan: { CreateUsagePlan: 'NONE' },
    });
    expect(props('JobsUsagePlan')).toEqual({
      UsagePlanName: { 'Fn::Sub': '${AppName}-usage-plan-${AWS::StackName}' },
      Description: expect.any(String),
      ApiStages: [{ ApiId: { Ref: 'JobsApi' }, Stage: { Ref: 'JobsApi.Stage' } }],
      Throttle: { RateLimit: { Ref: 'ApiRateLimit' }, BurstLimit: { Ref: 'ApiBurstLimit' } },
      Quota: { Limit: { Ref: 'ApiQuotaLimit' }, Period: 'DAY' },
    });
    const keys = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::ApiKey');
    expect(keys.map(([id]) => id)).toEqual(['JobsApiKey']);
    expect(props('JobsApiKey')).toMatchObject({
      Name: { 'Fn::Sub': '${AppName}-api-key-${AWS::StackName}' },
      Enabled: true,
    });
    expect(props('JobsUsagePlanKey')).toEqual({
      KeyId: { Ref: 'JobsApiKey' },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: 'JobsUsagePlan' },
    });
  });

  it('lets a browser on another origin call the API: preflight without a key, readable gateway errors', () => {
    const api = props('JobsApi');
    // API Gateway answers the preflight itself, as the local gateway does (PREFLIGHT_HEADERS).
    const quoted = (header: keyof typeof PREFLIGHT_HEADERS) => `'${PREFLIGHT_HEADERS[header]}'`;
    expect(api.Cors).toEqual({
      AllowOrigin: quoted('Access-Control-Allow-Origin'),
      AllowMethods: quoted('Access-Control-Allow-Methods'),
      AllowHeaders: quoted('Access-Control-Allow-Headers'),
      MaxAge: quoted('Access-Control-Max-Age'),
    });
    expect(PREFLIGHT_HEADERS['Access-Control-Allow-Headers'].split(',')).toEqual([
      'Content-Type',
      'X-API-Key',
      'Idempotency-Key',
    ]);
    // A browser sends no key on OPTIONS: one required there would fail every preflight with 403.
    expect(api.Auth.AddApiKeyRequiredToCorsPreflight).toBe(false);
    // API Gateway's own 403/429 bodies are the contract: a header added, no template, no status.
    const readable = { ResponseParameters: { Headers: { 'Access-Control-Allow-Origin': "'*'" } } };
    expect(api.GatewayResponses).toEqual({ DEFAULT_4XX: readable, DEFAULT_5XX: readable });
  });

  it('takes a comma-separated list of browser origins, for the API functions and the bucket alike', () => {
    expect(template.Parameters.CorsAllowedOrigin).toMatchObject({ Type: 'String', Default: '*' });
    const origins = 'https://console.example,http://localhost:5173';
    const deployed = deployedWith({ CorsAllowedOrigin: origins });
    const cors = deployed.resolve(props('S3Bucket').CorsConfiguration) as {
      CorsRules: { AllowedOrigins: [] }[];
    };
    expect(cors.CorsRules[0]?.AllowedOrigins).toEqual(['https://console.example', 'http://localhost:5173']);
    expect(apiFunctions().sort()).toEqual(
      Object.entries(ZIP_FUNCTIONS)
        .filter(([, f]) => f.routes)
        .map(([id]) => id)
        .sort(),
    );
    for (const id of apiFunctions()) {
      const env = deployed.functionEnvironment(id);
      expect(readSettings(env).allowedOrigins, id).toEqual([
        'https://console.example',
        'http://localhost:5173',
      ]);
    }
    // The default: any origin, the bucket's rule included.
    const byDefault = deployedWith({});
    expect(byDefault.functionEnvironment('SubmitJobFunction').CORS_ALLOWED_ORIGINS).toBe('*');
    expect(byDefault.resolve(props('S3Bucket').CorsConfiguration)).toMatchObject({
      CorsRules: [{ AllowedOrigins: ['*'] }],
    });
  });

  it.each(Object.entries(ZIP_FUNCTIONS))(
    'builds %s with esbuild on nodejs24.x arm64 with the layer',
    (id, expected) => {
      const fn = props(id);
      expect(fn.Runtime).toBe('nodejs24.x');
      // esbuild runs in src/ (sam build builds in source): no copy of the repository per function.
      expect(fn.CodeUri).toBe('src/');
      expect(existsSync(functionCode(template, id).entryPoint)).toBe(true);
      expect(template.Globals?.Function?.Architectures).toEqual(['arm64']);
      expect(fn.Handler).toBe(expected.handler);
      expect(fn.Layers).toEqual([{ Ref: 'SharedLayer' }]);
      expect(resource(id).Metadata).toMatchObject({
        BuildMethod: 'esbuild',
        BuildProperties: {
          Format: 'esm',
          Minify: true,
          Sourcemap: true,
          External: ['@auto-vid/shared'],
          EntryPoints: [`handlers/${expected.handler.replace('.handler', '')}.ts`],
        },
      });
      const logGroup = fn.LoggingConfig.LogGroup.Ref as string;
      expect(resource(logGroup).Type).toBe('AWS::Logs::LogGroup');
      expect(props(logGroup).RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
      if (expected.routes) {
        const events = Object.values(fn.Events as Record<string, { Type: string; Properties: object }>);
        expect(events).toEqual(
          expected.routes.map(([path, method]) => ({
            Type: 'Api',
            Properties: {
              RestApiId: { Ref: 'JobsApi' },
              Path: path,
              Method: method,
              ...(OPEN_ROUTES.includes(`${method.toUpperCase()} ${path}`)
                ? { Auth: { ApiKeyRequired: false } }
                : {}),
            },
          })),
        );
      }
    },
  );

  it('asks for the API key on every route but the health check and the HLS playlists', () => {
    const routes = Object.values(functionEvents(template))
      .flat()
      .filter((event) => event.Type === 'Api');
    const open = routes.filter((event) => !event.apiKeyRequired);
    expect(open.map((event) => `${event.method?.toUpperCase()} ${event.path}`).sort()).toEqual(
      [...OPEN_ROUTES].sort(),
    );
    expect(routes.length).toBeGreaterThan(OPEN_ROUTES.length);
    // The API's default is a key: a new route is closed unless it says otherwise.
    expect(props('JobsApi').Auth.ApiKeyRequired).toBe(true);
  });

  it('lets the playback function read a job record and the outputs it presigns, nothing else', () => {
    expect(statements('PlaybackFunction')).toEqual([
      {
        Sid: 'ReadJobs',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': ['JobsTable', 'Arn'] },
      },
      {
        Sid: 'ServeOutputs',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: OUTPUTS,
      },
    ]);
    expect(props('PlaybackFunction').Timeout).toBe(10);
  });

  it('lets DELETE and a cancelled render list the versions under outputs/ only, to remove HLS packages', () => {
    // A listing always names its prefix: StringLike, not IfExists, so nothing outside outputs/ is listed.
    const onlyOutputs = { StringLike: { 's3:prefix': `${OUTPUT_PREFIX}*` } };
    expect(statements('JobActionsFunction').find((s) => s.Sid === 'ListJobPackages')).toEqual({
      Sid: 'ListJobPackages',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:ListBucketVersions'],
      Resource: BUCKET_ARN,
      Condition: onlyOutputs,
    });
    expect(statements('VideoProcessorFunction').find((s) => s.Sid === 'ListCancelledPackages')).toEqual({
      Sid: 'ListCancelledPackages',
      Effect: 'Allow',
      Action: 's3:ListBucketVersions',
      Resource: BUCKET_ARN,
      Condition: onlyOutputs,
    });
    // Only these list versions (the image functions under chunks/ too: ListChunkScratch).
    const listers = Object.keys(template.Resources).filter(
      (id) =>
        resource(id).Type === 'AWS::Serverless::Function' && actions(id).includes('s3:ListBucketVersions'),
    );
    // The chunk encoder finishes jobs, so it withdraws a cancelled job's package as the processor does.
    expect(statements('ChunkEncoderFunction').find((s) => s.Sid === 'ListCancelledPackages')).toEqual(
      statements('VideoProcessorFunction').find((s) => s.Sid === 'ListCancelledPackages'),
    );
    expect(listers.sort()).toEqual(['ChunkEncoderFunction', 'JobActionsFunction', 'VideoProcessorFunction']);
  });

  it('tells the processor the playback URL base and, when the distribution exists, its domain', () => {
    expect(props('VideoProcessorFunction').Environment.Variables).toMatchObject({
      PUBLIC_API_URL: { 'Fn::Sub': API_BASE_URL },
      CDN_BASE_URL: {
        'Fn::If': ['CreatePublicCdn', { 'Fn::Sub': 'https://${OutputsDistribution.DomainName}' }, ''],
      },
    });
    // The processor's playback URL is the API's own base URL, as the stack outputs it.
    expect(template.Outputs?.ApiBaseUrl?.Value).toEqual({ 'Fn::Sub': API_BASE_URL });
    // A function behind JobsApi that named the API would depend on itself: CloudFormation refuses the stack.
    for (const [id, events] of Object.entries(functionEvents(template))) {
      if (!events.some((event) => event.Type === 'Api')) continue;
      const { Events: _routes, ...rest } = props(id);
      expect(JSON.stringify(rest), id).not.toContain('JobsApi');
    }
  });

  it('creates the public distribution, its origin access and cache policies only when PublicCdn is "true"', () => {
    expect(template.Parameters.PublicCdn).toMatchObject({
      Default: 'false',
      AllowedValues: ['false', 'true'],
    });
    expect(template.Conditions?.CreatePublicCdn).toEqual({ 'Fn::Equals': [{ Ref: 'PublicCdn' }, 'true'] });
    const conditional = Object.entries(template.Resources)
      .filter(([, r]) => r.Condition !== undefined)
      .map(([id, r]) => [id, r.Type, r.Condition]);
    expect(conditional).toEqual([
      ['OutputsOriginAccessControl', 'AWS::CloudFront::OriginAccessControl', 'CreatePublicCdn'],
      ['OutputsPlaylistCachePolicy', 'AWS::CloudFront::CachePolicy', 'CreatePublicCdn'],
      ['OutputsMediaCachePolicy', 'AWS::CloudFront::CachePolicy', 'CreatePublicCdn'],
      ['OutputsDistribution', 'AWS::CloudFront::Distribution', 'CreatePublicCdn'],
    ]);
    expect(props('OutputsOriginAccessControl').OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(template.Outputs?.PublicCdnDomainName).toMatchObject({
      Condition: 'CreatePublicCdn',
      Value: { 'Fn::GetAtt': ['OutputsDistribution', 'DomainName'] },
    });
    expect(template.Outputs?.ConsoleUrl).toMatchObject({
      Condition: 'CreatePublicCdn',
      Value: { 'Fn::Sub': `https://\${OutputsDistribution.DomainName}/${CONSOLE_PREFIX}index.html` },
    });
  });

  it('serves only outputs/ and the console through the distribution, playlists for seconds and media for a day', () => {
    const config = props('OutputsDistribution').DistributionConfig;
    const bucketOrigin = {
      DomainName: { 'Fn::GetAtt': ['S3Bucket', 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': ['OutputsOriginAccessControl', 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    };
    expect(config.Origins).toEqual([
      { Id: 'Outputs', ...bucketOrigin, OriginPath: `/${OUTPUT_PREFIX.replace(/\/$/, '')}` },
      // No OriginPath: /console/index.html is the key console/index.html.
      { Id: 'Console', ...bucketOrigin },
    ]);
    const readOnlyHttps = {
      TargetOriginId: 'Outputs',
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachedMethods: ['GET', 'HEAD'],
      Compress: true,
    };
    expect(config.DefaultCacheBehavior).toMatchObject({
      ...readOnlyHttps,
      CachePolicyId: { Ref: 'OutputsMediaCachePolicy' },
    });
    expect(config.CacheBehaviors).toEqual([
      // First: CloudFront takes the first pattern that matches, so no console path reaches outputs/.
      {
        ...readOnlyHttps,
        PathPattern: `${CONSOLE_PREFIX}*`,
        TargetOriginId: 'Console',
        CachePolicyId: { Ref: 'OutputsPlaylistCachePolicy' },
      },
      expect.objectContaining({
        ...readOnlyHttps,
        PathPattern: '*.m3u8',
        CachePolicyId: { Ref: 'OutputsPlaylistCachePolicy' },
      }),
    ]);
    const ttl = (id: string) => {
      const { MinTTL, DefaultTTL, MaxTTL } = props(id).CachePolicyConfig;
      return { MinTTL, DefaultTTL, MaxTTL };
    };
    expect(ttl('OutputsPlaylistCachePolicy').MaxTTL).toBeLessThanOrEqual(60);
    expect(ttl('OutputsMediaCachePolicy').DefaultTTL).toBeGreaterThanOrEqual(86_400);
    for (const id of ['OutputsPlaylistCachePolicy', 'OutputsMediaCachePolicy']) {
      // Nothing a viewer sends splits the cache.
      expect(props(id).CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin, id).toEqual({
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
        CookiesConfig: { CookieBehavior: 'none' },
        HeadersConfig: { HeaderBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      });
    }
  });

  it('lets only the distribution read outputs/ and console/ from the bucket, and only when it exists', () => {
    const [, cdn, ...more] = props('S3BucketPolicy').PolicyDocument.Statement;
    expect(more).toEqual([]);
    expect(cdn).toEqual({
      'Fn::If': [
        'CreatePublicCdn',
        {
          Sid: 'DistributionReadsOutputsAndConsole',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: [OUTPUTS, CONSOLE_FILES],
          Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': DISTRIBUTION_ARN } } },
        },
        { Ref: 'AWS::NoValue' },
      ],
    });
    // The bucket stays blocked from public policies: a service principal held to one ARN is not public.
    expect(Object.values(props('S3Bucket').PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
  });

  it('grants each function only named actions on the stack own resources', () => {
    for (const id of [...Object.keys(ZIP_FUNCTIONS), ...IMAGE_FUNCTIONS]) {
      for (const action of actions(id)) {
        expect(action, `${id} ${action}`).not.toMatch(/\*|FullAccess/);
      }
      const policies = props(id).Policies as unknown[];
      expect(
        policies.every((p) => typeof p === 'object'),
        `${id} uses no managed policy`,
      ).toBe(true);
    }
    expect(actions('GetStatusFunction')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      's3:GetObject',
      's3:GetObjectVersion',
    ]);
    // GET /jobs reads the owner index only; GET /status re-signs output.url: only what the processor wrote.
    expect(statements('GetStatusFunction')[1]?.Resource).toEqual({
      'Fn::Sub': '${JobsTable.Arn}/index/ByOwner',
    });
    expect(statements('GetStatusFunction')[2]?.Resource).toEqual({
      'Fn::Sub': `\${S3Bucket.Arn}/${OUTPUT_PREFIX}*`,
    });
    // Health reads one item; the webhook secret is the delivery function's alone.
    expect(actions('ServiceInfoFunction')).toEqual(['dynamodb:GetItem']);
    for (const id of [...IMAGE_FUNCTIONS, 'DeadLetterFunction', 'JobActionsFunction']) {
      expect(actions(id)).not.toContain('secretsmanager:GetSecretValue');
      expect(statements(id).find((st) => st.Sid === 'QueueWebhooks')?.Resource).toEqual({
        'Fn::GetAtt': ['WebhookQueue', 'Arn'],
      });
    }
    expect(actions('WebhookDeliveryFunction')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'sqs:SendMessage',
      'secretsmanager:GetSecretValue',
    ]);
    // DELETE removes only outputs: versions included.
    expect(
      statements('JobActionsFunction').find((st) => st.Sid === 'DeleteAndServeOutputs')?.Resource,
    ).toEqual({
      'Fn::Sub': `\${S3Bucket.Arn}/${OUTPUT_PREFIX}*`,
    });
    expect(actions('CreateUploadsFunction')).toEqual(['s3:PutObject']);
    expect(statements('CreateUploadsFunction')[0]?.Resource).toEqual({
      'Fn::Sub': '${S3Bucket.Arn}/assets/*',
    });
    expect(actions('VideoProcessorFunction')).toContain('polly:SynthesizeSpeech');
    expect(actions('VideoProcessorFunction')).not.toContain('polly:*');
    // output.url names the version a job wrote: reading that version is all it may add.
    expect(statements('VideoProcessorFunction').find((s) => s.Sid === 'ServeOutputVersions')).toEqual({
      Sid: 'ServeOutputVersions',
      Effect: 'Allow',
      Action: 's3:GetObjectVersion',
      Resource: { 'Fn::Sub': '${S3Bucket.Arn}/outputs/*' },
    });
  });

  it('runs the processor as a container image with the parity sizes, fed one message at a time', () => {
    const fn = props('VideoProcessorFunction');
    // The old service's 3008 MB by default, which every account may use; up to Lambda's maximum.
    expect(template.Parameters.ProcessorMemorySize).toMatchObject({
      Default: 3008,
      MinValue: 2048,
      MaxValue: 10240,
    });
    expect(fn).toMatchObject({
      PackageType: 'Image',
      MemorySize: { Ref: 'ProcessorMemorySize' },
      Timeout: 900,
      EphemeralStorage: { Size: 10240 },
    });
    expect(resource('VideoProcessorFunction').Metadata).toMatchObject({
      Dockerfile: 'processor-container/Dockerfile',
      DockerContext: '.',
    });
    expect(Object.values(fn.Events)).toEqual([
      {
        Type: 'SQS',
        Properties: {
          Queue: { 'Fn::GetAtt': ['JobsQueue', 'Arn'] },
          BatchSize: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          // A burst waits in the queue rather than taking the account's concurrency.
          ScalingConfig: { MaximumConcurrency: { Ref: 'ProcessorMaxConcurrency' } },
        },
      },
    ]);
    expect(template.Parameters.ProcessorMaxConcurrency).toMatchObject({
      Default: 10,
      MinValue: 2,
      MaxValue: 1000,
    });
  });

  it('lets the processor write exactly where submit lets a destination point, and read what a job may name', () => {
    const sid = (name: string) => statements('VideoProcessorFunction').find((s) => s.Sid === name);
    expect(sid('WriteOutputsAndCache')).toEqual({
      Sid: 'WriteOutputsAndCache',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: [bucketPath(OUTPUT_PREFIX), bucketPath('cache/')],
    });
    expect(sid('ReadAssetsAndCache')?.Resource).toEqual(
      [...READABLE_PREFIXES, 'cache/'].map((prefix) => bucketPath(prefix)),
    );
    // Missing keys answer 404 only with ListBucket; listing is held to the same prefixes.
    expect(sid('MissingKeysAreNotFound')).toEqual({
      Sid: 'MissingKeysAreNotFound',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': ['S3Bucket', 'Arn'] },
      Condition: {
        StringLikeIfExists: { 's3:prefix': [...READABLE_PREFIXES, 'cache/'].map((prefix) => `${prefix}*`) },
      },
    });
    // The default destination is inside what may be written; besides it only the speech cache and
    // the chunk scratch, which no spec may name.
    expect(OUTPUT_PREFIX).toBe('outputs/');
    expect(scopesOf('VideoProcessorFunction', 's3:PutObject')).toEqual(
      [OUTPUT_PREFIX, 'cache/', CHUNK_PREFIX].map((prefix) => bucketPath(prefix)),
    );
    expect(READABLE_PREFIXES).not.toContain(CHUNK_PREFIX);
    // No statement of any function reaches the whole bucket.
    for (const id of [...Object.keys(ZIP_FUNCTIONS), ...IMAGE_FUNCTIONS]) {
      for (const statement of statements(id)) {
        expect(JSON.stringify(statement.Resource), `${id} ${statement.Sid}`).not.toContain('Arn}/*');
      }
    }
  });

  it('alarms on dead letters, processor errors and throttles, and queue age, to one topic', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const watched = alarms.map(([, r]) => {
      const p = r.Properties as Record<string, unknown> & { Dimensions: { Value: unknown }[] };
      return [p.Namespace, p.MetricName, p.Dimensions[0]?.Value, p.AlarmActions];
    });
    const topic = [{ Ref: 'AlarmTopic' }];
    expect(watched).toEqual([
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { 'Fn::GetAtt': ['JobsDeadLetterQueue', 'QueueName'] },
        topic,
      ],
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { 'Fn::GetAtt': ['ChunkDeadLetterQueue', 'QueueName'] },
        topic,
      ],
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        { 'Fn::GetAtt': ['WebhookDeadLetterQueue', 'QueueName'] },
        topic,
      ],
      ['AWS/Lambda', 'Errors', { Ref: 'VideoProcessorFunction' }, topic],
      ['AWS/Lambda', 'Throttles', { Ref: 'VideoProcessorFunction' }, topic],
      ['AWS/SQS', 'ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': ['JobsQueue', 'QueueName'] }, topic],
    ]);
    expect(props('JobsQueueAgeAlarm').Threshold).toEqual({ Ref: 'QueueAgeAlarmSeconds' });
    expect(props('AlarmTopic').Subscription).toEqual({
      'Fn::If': [
        'HasAlarmEmail',
        [{ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }],
        { Ref: 'AWS::NoValue' },
      ],
    });
    expect(template.Parameters.AlarmEmail?.Default).toBe('');
  });

  it('keeps the jobs table and the bucket when the stack goes, unless told otherwise', () => {
    expect(template.Parameters.DataDeletionPolicy).toMatchObject({
      Default: 'Retain',
      AllowedValues: ['Retain', 'Delete'],
    });
    for (const id of ['JobsTable', 'S3Bucket']) {
      expect(resource(id)).toMatchObject({
        DeletionPolicy: { Ref: 'DataDeletionPolicy' },
        UpdateReplacePolicy: { Ref: 'DataDeletionPolicy' },
      });
    }
    // Every other stateful resource says what happens to it.
    const stateful = [
      'AWS::SQS::Queue',
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
    ];
    for (const [id, r] of Object.entries(template.Resources)) {
      if (stateful.includes(r.Type))
        expect((r as { DeletionPolicy?: unknown }).DeletionPolicy, id).toBeDefined();
    }
  });

  it('redrives the job queue to a dead-letter queue that a function consumes', () => {
    const queue = props('JobsQueue');
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['JobsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 3,
    });
    // AWS guidance: visibility timeout at least six times the consuming function's timeout.
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * props('VideoProcessorFunction').Timeout);
    expect(props('JobsDeadLetterQueue').VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * props('DeadLetterFunction').Timeout,
    );
    expect(props('JobsDeadLetterQueue').MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
    expect(Object.values(props('DeadLetterFunction').Events)).toEqual(
      ['JobsDeadLetterQueue', 'ChunkDeadLetterQueue'].map((queue) => ({
        Type: 'SQS',
        Properties: {
          Queue: { 'Fn::GetAtt': [queue, 'Arn'] },
          BatchSize: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      })),
    );
  });

  it('runs the chunk encoder on the processor image with its own handler, sized as the processor', () => {
    const fn = props('ChunkEncoderFunction');
    expect(fn).toMatchObject({
      PackageType: 'Image',
      ImageConfig: { Command: ['encode-chunks.handler'] },
      MemorySize: { Ref: 'ProcessorMemorySize' },
      Timeout: 900,
      EphemeralStorage: { Size: 10240 },
    });
    // One image: same Dockerfile, context and tag; only the handler differs.
    expect(resource('ChunkEncoderFunction').Metadata).toEqual(resource('VideoProcessorFunction').Metadata);
    expect(resource('ChunkEncoderFunction').Metadata).toMatchObject({
      Dockerfile: 'processor-container/Dockerfile',
      DockerContext: '.',
    });
    // The local stack and the build find each image function's entry point the same way.
    expect(functionCode(template, 'ChunkEncoderFunction')).toEqual({
      handler: 'encode-chunks.handler',
      entryPoint: 'src/handlers/encode-chunks.ts',
    });
    expect(functionCode(template, 'VideoProcessorFunction')).toEqual({
      handler: 'process-jobs.handler',
      entryPoint: 'src/handlers/process-jobs.ts',
    });
    const logGroup = fn.LoggingConfig.LogGroup.Ref as string;
    expect(logGroup).toBe('ChunkEncoderLogGroup');
    expect(resource(logGroup).Type).toBe('AWS::Logs::LogGroup');
    expect(props(logGroup)).toEqual({
      LogGroupName: { 'Fn::Sub': '/aws/lambda/${AppName}-chunk-encoder-${AWS::StackName}' },
      RetentionInDays: { Ref: 'LogRetentionDays' },
    });
    expect(fn.FunctionName).toEqual({ 'Fn::Sub': '${AppName}-chunk-encoder-${AWS::StackName}' });
  });

  it('builds every image function bundle into the one image, side by side', () => {
    const dockerfile = readFileSync(new URL('../../processor-container/Dockerfile', import.meta.url), 'utf8');
    const built = /^RUN node scripts\/build\.ts (.+)$/m.exec(dockerfile)?.[1]?.trim().split(/\s+/);
    const copied = /^COPY --from=bundle (.+) \$\{LAMBDA_TASK_ROOT\}\/$/m.exec(dockerfile)?.[1]?.split(/\s+/);
    const images = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Properties?.PackageType === 'Image')
      .map(([id]) => id);
    expect(images.sort()).toEqual([...IMAGE_FUNCTIONS].sort());
    expect(built?.sort()).toEqual([...IMAGE_FUNCTIONS].sort());
    expect(copied?.sort()).toEqual(IMAGE_FUNCTIONS.map((id) => `/build/dist/${id}/`).sort());
    // Each handler is a file of its own in the task root: no bundle overwrites another.
    const files = IMAGE_FUNCTIONS.map((id) => functionCode(template, id).handler.split('.')[0]);
    expect(new Set(files).size).toBe(IMAGE_FUNCTIONS.length);
    // The image's CMD is the processor's; the chunk encoder overrides it.
    expect(dockerfile).toContain('CMD ["process-jobs.handler"]');
    expect(props('VideoProcessorFunction').ImageConfig).toBeUndefined();
  });

  it('feeds the chunk encoder one chunk at a time from the chunk queue, at most ChunkConcurrency at once', () => {
    expect(Object.values(props('ChunkEncoderFunction').Events)).toEqual([
      {
        Type: 'SQS',
        Properties: {
          Queue: { 'Fn::GetAtt': ['ChunkQueue', 'Arn'] },
          BatchSize: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: { Ref: 'ChunkConcurrency' } },
        },
      },
    ]);
    expect(template.Parameters.ChunkConcurrency).toMatchObject({
      Type: 'Number',
      Default: 10,
      MinValue: 2,
      MaxValue: 1000,
    });
    expect(template.Parameters.ChunkThresholdSeconds).toMatchObject({
      Type: 'Number',
      Default: 300,
      MinValue: 10,
    });
    expect(template.Parameters.ChunkSeconds).toMatchObject({
      Type: 'Number',
      Default: 60,
      MinValue: 2,
      MaxValue: 600,
    });
  });

  it('redrives the chunk queue to a dead-letter queue that fails the job, alarmed like the jobs one', () => {
    const queue = props('ChunkQueue');
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['ChunkDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * props('ChunkEncoderFunction').Timeout);
    expect(queue.MessageRetentionPeriod).toBe(props('JobsQueue').MessageRetentionPeriod);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    const deadLetters = props('ChunkDeadLetterQueue');
    expect(deadLetters.VisibilityTimeout).toBeGreaterThanOrEqual(6 * props('DeadLetterFunction').Timeout);
    expect(deadLetters.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
    expect(deadLetters.SqsManagedSseEnabled).toBe(true);
    expect(props('DeadLetterFunction').Events.ChunkDeadLetters.Properties.Queue).toEqual({
      'Fn::GetAtt': ['ChunkDeadLetterQueue', 'Arn'],
    });
    const {
      AlarmName: _name,
      AlarmDescription: _description,
      Dimensions,
      ...alarm
    } = props('ChunkDeadLetterMessagesAlarm');
    const {
      AlarmName: _jobsName,
      AlarmDescription: _jobsDescription,
      ...jobsAlarm
    } = props('DeadLetterMessagesAlarm');
    expect({ ...alarm, Dimensions }).toEqual({
      ...jobsAlarm,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ChunkDeadLetterQueue', 'QueueName'] } }],
    });
    expect(template.Outputs?.ChunkQueueUrl?.Value).toEqual({ Ref: 'ChunkQueue' });
  });

  it('tells the processor when and how to split a re-encode, and the chunk encoder what finishing needs', () => {
    expect(props('VideoProcessorFunction').Environment.Variables).toMatchObject({
      CHUNK_QUEUE_URL: { Ref: 'ChunkQueue' },
      CHUNK_THRESHOLD_SECONDS: { Ref: 'ChunkThresholdSeconds' },
      CHUNK_SECONDS: { Ref: 'ChunkSeconds' },
    });
    const processor = props('VideoProcessorFunction').Environment.Variables;
    const encoder = props('ChunkEncoderFunction').Environment.Variables;
    // The last chunk finishes the job: the same deadline margin and URLs as the processor's.
    expect(encoder).toEqual({
      RENDER_DEADLINE_MARGIN_MS: processor.RENDER_DEADLINE_MARGIN_MS,
      PUBLIC_API_URL: processor.PUBLIC_API_URL,
      CDN_BASE_URL: processor.CDN_BASE_URL,
      CHUNK_SECONDS: { Ref: 'ChunkSeconds' },
    });
    // As deployed: the parameters' defaults, the queue's URL; the Globals' variables too.
    const deployed = deployedWith({});
    expect(deployed.functionEnvironment('VideoProcessorFunction')).toMatchObject({
      CHUNK_QUEUE_URL: 'auto-vid-sqs-chunks-test-000000000000',
      CHUNK_THRESHOLD_SECONDS: '300',
      CHUNK_SECONDS: '60',
    });
    expect(deployed.functionEnvironment('ChunkEncoderFunction')).toMatchObject({
      S3_BUCKET_NAME: 'auto-vid-s3-bucket-test-000000000000',
      SQS_WEBHOOK_QUEUE_URL: 'auto-vid-sqs-webhooks-test-000000000000',
      CHUNK_SECONDS: '60',
    });
  });

  it('lets the processor write, list and remove chunk scratch and queue chunks, and read none of it', () => {
    const sid = (name: string) => statements('VideoProcessorFunction').find((s) => s.Sid === name);
    expect(sid('WriteChunkScratch')).toEqual({
      Sid: 'WriteChunkScratch',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: bucketPath(CHUNK_PREFIX),
    });
    expect(sid('RemoveChunkScratch')).toEqual({
      Sid: 'RemoveChunkScratch',
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      Resource: bucketPath(CHUNK_PREFIX),
    });
    // Taking back a hand-off removes the attempt's prefix: its versions are listed first.
    const onlyChunks = { StringLike: { 's3:prefix': `${CHUNK_PREFIX}*` } };
    expect(sid('ListChunkScratch')).toEqual({
      Sid: 'ListChunkScratch',
      Effect: 'Allow',
      Action: 's3:ListBucketVersions',
      Resource: BUCKET_ARN,
      Condition: onlyChunks,
    });
    expect(statements('ChunkEncoderFunction').find((s) => s.Sid === 'ListChunkScratch')).toEqual(
      sid('ListChunkScratch'),
    );
    expect(sid('QueueChunks')).toEqual({
      Sid: 'QueueChunks',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['ChunkQueue', 'Arn'] },
    });
    expect(scopesOf('VideoProcessorFunction', 's3:GetObject')).not.toContainEqual(bucketPath(CHUNK_PREFIX));
  });

  it('holds the chunk encoder to the chunk scratch and what finishing a job takes', () => {
    const id = 'ChunkEncoderFunction';
    const s3Statements = statements(id).filter((s) => list(s.Action).some((a) => a.startsWith('s3:')));
    // Objects only under chunks/ and outputs/; the bucket itself only for listings held to them.
    for (const statement of s3Statements) {
      for (const scope of list(statement.Resource)) {
        if (JSON.stringify(scope) === JSON.stringify(BUCKET_ARN)) {
          const condition = (statement as { Condition?: Record<string, { 's3:prefix': unknown }> }).Condition;
          const prefixes = Object.values(condition ?? {}).flatMap((c) => list(c['s3:prefix']));
          expect(prefixes.length, statement.Sid).toBeGreaterThan(0);
          for (const prefix of prefixes) expect([`${CHUNK_PREFIX}*`, `${OUTPUT_PREFIX}*`]).toContain(prefix);
        } else {
          expect([bucketPath(CHUNK_PREFIX), bucketPath(OUTPUT_PREFIX)], statement.Sid).toContainEqual(scope);
        }
      }
    }
    // It reads no job asset and no cached speech, and synthesises nothing.
    expect(scopesOf(id, 's3:GetObject')).toEqual([bucketPath(CHUNK_PREFIX)]);
    for (const prefix of [...READABLE_PREFIXES.filter((p) => p !== OUTPUT_PREFIX), 'cache/']) {
      expect(JSON.stringify(statements(id)), prefix).not.toContain(`/${prefix}*`);
    }
    expect(actions(id).filter((a) => a.startsWith('polly:'))).toEqual([]);
    expect(actions(id)).not.toContain('secretsmanager:GetSecretValue');
    expect(scopesOf(id, 's3:PutObject')).toEqual([bucketPath(CHUNK_PREFIX), bucketPath(OUTPUT_PREFIX)]);
    expect(scopesOf(id, 's3:ListBucket')).toEqual([BUCKET_ARN]);
    expect(statements(id).find((s) => s.Sid === 'MissingChunksAreNotFound')).toMatchObject({
      Condition: { StringLikeIfExists: { 's3:prefix': `${CHUNK_PREFIX}*` } },
    });
    // Finishing a job as the processor does: these statements are the processor's own.
    for (const sid of [
      'ServeOutputVersions',
      'WithdrawCancelledOutputs',
      'ListCancelledPackages',
      'QueueWebhooks',
    ]) {
      expect(
        statements(id).find((s) => s.Sid === sid),
        sid,
      ).toEqual(statements('VideoProcessorFunction').find((s) => s.Sid === sid));
    }
    expect(statements(id).find((s) => s.Sid === 'TrackAndFinishJobs')).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      Resource: { 'Fn::GetAtt': ['JobsTable', 'Arn'] },
    });
    // It queues webhooks only: no job or chunk is sent again from here.
    expect(scopesOf(id, 'sqs:SendMessage')).toEqual([{ 'Fn::GetAtt': ['WebhookQueue', 'Arn'] }]);
  });

  it('retries webhooks from their own queue, redriven to a dead-letter queue kept 14 days', () => {
    const queue = props('WebhookQueue');
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['WebhookDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * props('WebhookDeliveryFunction').Timeout);
    // The first turn is the old contract's three attempts of 30 s, 1 s and 2 s apart.
    expect(props('WebhookDeliveryFunction').Timeout).toBeGreaterThanOrEqual(93);
    expect(props('WebhookDeadLetterQueue').MessageRetentionPeriod).toBe(1_209_600);
    expect(props('WebhookDeliveryFunction').Environment.Variables).toEqual({
      WEBHOOK_SECRET_ARN: { Ref: 'WebhookSigningSecret' },
      SQS_WEBHOOK_DLQ_URL: { Ref: 'WebhookDeadLetterQueue' },
    });
  });

  it('keeps jobs in an on-demand table keyed by jobId with TTL and point-in-time recovery', () => {
    expect(props('JobsTable')).toMatchObject({
      TableName: { 'Fn::Sub': '${AppName}-dynamodb-jobs-${AWS::StackName}-${AWS::AccountId}' },
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'jobId', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'jobId', AttributeType: 'S' },
        { AttributeName: 'owner', AttributeType: 'S' },
        { AttributeName: 'submittedAt', AttributeType: 'S' },
      ],
      // GET /jobs: a key's jobs newest first, one Query per page.
      GlobalSecondaryIndexes: [
        {
          IndexName: JOBS_BY_OWNER_INDEX,
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'submittedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('locks the bucket down: versioned, private, encrypted, TLS only, expiring cache and outputs, CORS for uploads', () => {
    const bucket = props('S3Bucket');
    expect(bucket.BucketName).toEqual({
      'Fn::Sub': '${AppName}-s3-bucket-${AWS::StackName}-${AWS::AccountId}',
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(Object.values(bucket.PublicAccessBlockConfiguration)).toEqual([true, true, true, true]);
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('AES256');
    const rules = bucket.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: unknown }[];
    expect(rules.find((r) => r.Prefix === 'cache/')?.ExpirationInDays).toEqual({ Ref: 'CacheRetentionDays' });
    expect(rules.find((r) => r.Prefix === 'assets/')?.ExpirationInDays).toEqual({
      Ref: 'AssetRetentionDays',
    });
    expect(rules.find((r) => r.Prefix === 'outputs/')?.ExpirationInDays).toEqual({
      'Fn::If': ['ExpireOutputs', { Ref: 'OutputRetentionDays' }, 1],
    });
    // Chunk scratch is the code's to remove; what a stopped job left goes after a day, unfinished
    // uploads there too (by the bucket-wide rule: a second abort rule would overlap it).
    const scratch = rules.find((r) => r.Prefix === CHUNK_PREFIX) as Record<string, unknown> | undefined;
    expect(scratch).toMatchObject({ Status: 'Enabled', ExpirationInDays: 1 });
    const aborting = (
      rules as { Prefix?: string; Status: string; AbortIncompleteMultipartUpload?: unknown }[]
    ).filter((r) => r.AbortIncompleteMultipartUpload && CHUNK_PREFIX.startsWith(r.Prefix ?? ''));
    expect(aborting.map((r) => [r.Status, r.AbortIncompleteMultipartUpload])).toEqual([
      ['Enabled', { DaysAfterInitiation: 1 }],
    ]);
    // The console's files stay: no rule that expires current objects reaches console/.
    const reachingConsole = rules.filter((r) => CONSOLE_PREFIX.startsWith(r.Prefix ?? ''));
    expect(reachingConsole.length).toBeGreaterThan(0);
    for (const rule of reachingConsole) expect(rule.ExpirationInDays).toBeUndefined();
    expect(bucket.CorsConfiguration.CorsRules[0].AllowedMethods).toContain('PUT');
    const [deny] = props('S3BucketPolicy').PolicyDocument.Statement;
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  it('names resources as the parity contract does', () => {
    expect(props('JobsQueue').QueueName).toEqual({
      'Fn::Sub': '${AppName}-sqs-jobs-${AWS::StackName}-${AWS::AccountId}',
    });
    expect(props('SharedLayer').LayerName).toEqual({
      'Fn::Sub': '${AppName}-layer-shared-${AWS::StackName}-${AWS::AccountId}',
    });
    expect(resource('SharedLayer').Metadata).toEqual({ BuildMethod: 'makefile', BuildArchitecture: 'arm64' });
  });

  it('outputs the URLs, the API key id with the command that reveals it, and the stack resources', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining([
        'ApiBaseUrl',
        'SubmitUrl',
        'StatusUrl',
        'UploadsUrl',
        'HlsPlaylistUrl',
        'ApiKeyId',
        'ApiKeyValueCommand',
        'WebhookSecretCommand',
        'S3BucketName',
        'JobsTableName',
        'JobsQueueUrl',
        'JobsDeadLetterQueueUrl',
        'ChunkQueueUrl',
        'AlarmTopicArn',
      ]),
    );
    expect(template.Outputs?.HlsPlaylistUrl?.Value).toEqual({
      'Fn::Sub': `${API_BASE_URL}${HLS_PLAYLIST_PATH}`,
    });
    expect(template.Outputs?.ApiKeyValueCommand?.Value).toEqual({
      'Fn::Sub':
        'aws apigateway get-api-key --api-key ${JobsApiKey} --include-value --query value --output text --region ${AWS::Region}',
    });
    expect(template.Outputs?.WebhookSecretCommand?.Value).toEqual({
      'Fn::Sub':
        'aws secretsmanager get-secret-value --secret-id ${WebhookSigningSecret} --query SecretString --output text --region ${AWS::Region}',
    });
  });

  it("keeps the old stack's output keys and exports for scripts that read them", () => {
    const outputs = template.Outputs as Record<string, { Value: unknown; Export?: { Name: unknown } }>;
    expect(outputs.SubmitJobApi?.Value).toEqual(outputs.SubmitUrl?.Value);
    expect(outputs.GetStatusApi?.Value).toEqual(outputs.StatusUrl?.Value);
    expect(outputs.ApiKey?.Value).toEqual({ Ref: 'JobsApiKey' });
    expect(outputs.S3Bucket).toEqual({
      Description: expect.any(String),
      Value: { Ref: 'S3Bucket' },
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-S3Bucket' } },
    });
    expect(outputs.JobsTable).toEqual({
      Description: expect.any(String),
      Value: { Ref: 'JobsTable' },
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-JobsTable' } },
    });
    expect(outputs.JobsQueue).toEqual({
      Description: expect.any(String),
      Value: { Ref: 'JobsQueue' },
      Export: { Name: { 'Fn::Sub': '${AWS::StackName}-JobsQueue' } },
    });
  });
});
