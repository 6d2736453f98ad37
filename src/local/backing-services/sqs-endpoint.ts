import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalQueue } from './local-queue.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface SqsEndpoint {
  /** `AWS_ENDPOINT_URL_SQS` for the SDK. */
  readonly endpoint: string;
  queueUrl(name: string): string;
  close(): Promise<void>;
}

class SqsFault extends Error {
  readonly type: string;
  readonly queryCode: string;
  constructor(type: string, queryCode: string, message: string) {
    super(message);
    this.type = type;
    this.queryCode = queryCode;
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

type Action = (input: Record<string, unknown>) => unknown;

/**
 * The SQS JSON protocol (the one AWS SDK v3 speaks) in front of local queues, so the production
 * SQS adapter runs unchanged. SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility,
 * GetQueueUrl and GetQueueAttributes (message counts) are served.
 */
export async function startSqsEndpoint(
  queues: ReadonlyMap<string, LocalQueue>,
  options: { host?: string; port?: number } = {},
): Promise<SqsEndpoint> {
  const host = options.host ?? '127.0.0.1';
  let base = '';
  const queueUrl = (name: string) => `${base}/${LOCAL_ACCOUNT_ID}/${name}`;
  const actions = sqsActions(queues, queueUrl);
  const server: Server = createServer((request, response) => serveAction(actions, request, response));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: base,
    queueUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The queue a QueueUrl (or a bare name) points at, or SQS's QueueDoesNotExist. */
function findQueue(queues: ReadonlyMap<string, LocalQueue>, queueUrl: unknown): LocalQueue {
  const name = typeof queueUrl === 'string' ? queueUrl.split('/').at(-1) : undefined;
  const queue = name ? queues.get(name) : undefined;
  if (!queue) {
    throw new SqsFault(
      'com.amazonaws.sqs#QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'The specified queue does not exist.',
    );
  }
  return queue;
}

/** Each served action: its JSON input to its JSON output. */
function sqsActions(
  queues: ReadonlyMap<string, LocalQueue>,
  queueUrl: (name: string) => string,
): Record<string, Action> {
  const find = (url: unknown) => findQueue(queues, url);
  return {
    SendMessage: (input) => {
      // DelaySeconds as SQS takes it (0 to 900); fractions too, for the shortened delays of
      // `auto-vid dev --webhook-delay-scale`.
      const delay = Math.min(900, Math.max(0, Number(input.DelaySeconds ?? 0) || 0));
      const { messageId, md5OfBody } = find(input.QueueUrl).send(
        String(input.MessageBody ?? ''),
        delay * 1000,
      );
      return { MessageId: messageId, MD5OfMessageBody: md5OfBody };
    },
    // Up to ten entries, each answered by its Id (the chunk queue sends a job's chunks this way).
    SendMessageBatch: (input) => {
      const queue = find(input.QueueUrl);
      const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
      return {
        Successful: entries.map((entry) => {
          const delay = Math.min(900, Math.max(0, Number(entry.DelaySeconds ?? 0) || 0));
          const { messageId, md5OfBody } = queue.send(String(entry.MessageBody ?? ''), delay * 1000);
          return { Id: String(entry.Id), MessageId: messageId, MD5OfMessageBody: md5OfBody };
        }),
        Failed: [],
      };
    },
    ReceiveMessage: (input) => {
      const queue = find(input.QueueUrl);
      const visibility =
        typeof input.VisibilityTimeout === 'number'
          ? input.VisibilityTimeout * 1000
          : queue.visibilityTimeoutMs;
      const messages = queue.receive(Number(input.MaxNumberOfMessages ?? 1), visibility);
      return {
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          Body: m.body,
          Attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAt),
            ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
          },
        })),
      };
    },
    DeleteMessage: (input) => {
      find(input.QueueUrl).delete(String(input.ReceiptHandle));
      return {};
    },
    ChangeMessageVisibility: (input) => {
      find(input.QueueUrl).changeVisibility(
        String(input.ReceiptHandle),
        Number(input.VisibilityTimeout) * 1000,
      );
      return {};
    },
    GetQueueUrl: (input) => {
      const name = String(input.QueueName);
      if (!queues.has(name)) find(name);
      return { QueueUrl: queueUrl(name) };
    },
    GetQueueAttributes: (input) => ({
      Attributes: { ApproximateNumberOfMessages: String(find(input.QueueUrl).size) },
    }),
  };
}

/** One request: the action named by X-Amz-Target, answered as SQS answers, faults included. */
async function serveAction(
  actions: Record<string, Action>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = String(request.headers['x-amz-target'] ?? '');
  const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    response
      .writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0', ...headers })
      .end(JSON.stringify(body));
  try {
    const handler = actions[action];
    if (!handler)
      throw new SqsFault(
        'com.amazonaws.sqs#UnsupportedOperation',
        'AWS.SimpleQueueService.UnsupportedOperation',
        `${action || 'This operation'} is not served locally`,
      );
    reply(200, handler(await readJson(request)));
  } catch (error) {
    if (error instanceof SqsFault) {
      reply(
        400,
        { __type: error.type, message: error.message },
        { 'x-amzn-query-error': `${error.queryCode};Sender` },
      );
    } else {
      reply(500, { __type: 'com.amazonaws.sqs#InternalError', message: (error as Error).message });
    }
  }
}
