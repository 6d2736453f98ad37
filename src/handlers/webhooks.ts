import { setTimeout as sleep } from 'node:timers/promises';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createSqsClient } from '../aws/clients.ts';
import { createSqsWebhookQueue, type WebhookQueue } from '../jobs/webhook-queue.ts';
import { createWebhookSender, type WebhookSender } from '../jobs/webhook-sender.ts';
import { egressFor } from '../net/egress-guard.ts';
import { createJobNotifier, type JobNotifier } from '../processor/job-notifier.ts';
import type { Log } from '../processor/log.ts';
import { required, type Settings } from '../settings.ts';

/** The webhook signing secret: given directly (local stack) or read from Secrets Manager, cached. */
function webhookSecretSource(settings: Settings): () => Promise<string | undefined> {
  if (settings.webhookSecret) return async () => settings.webhookSecret;
  const arn = settings.webhookSecretArn;
  if (!arn) return async () => undefined;
  return async () => (await getSecret<string>(arn, { maxAge: 300 })) ?? undefined;
}

/** The webhook queue (and its dead-letter queue) named by the function's environment. */
export function createConfiguredWebhookQueue(settings: Settings, env: NodeJS.ProcessEnv): WebhookQueue {
  return createSqsWebhookQueue(
    createSqsClient(env),
    required(settings.webhookQueueUrl, 'SQS_WEBHOOK_QUEUE_URL'),
    settings.webhookDeadLetterUrl,
  );
}

/** The final-webhook notifier the processor and the dead-letter function share: it queues. */
export function createConfiguredNotifier(settings: Settings, env: NodeJS.ProcessEnv, log: Log): JobNotifier {
  return createJobNotifier({
    queue: createConfiguredWebhookQueue(settings, env),
    limits: settings.limits,
    log,
  });
}

/** The signing sender of the delivery function; its waits shortened by the delay scale. */
export function createConfiguredSender(settings: Settings): WebhookSender {
  return createWebhookSender({
    secret: webhookSecretSource(settings),
    egress: egressFor(settings.localMode, settings.stackPorts),
    wait: (seconds) => sleep(seconds * settings.webhookDelayScale * 1000),
  });
}
