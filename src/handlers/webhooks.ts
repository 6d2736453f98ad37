import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createWebhookSender } from '../jobs/webhook-sender.ts';
import { egressFor } from '../net/egress-guard.ts';
import { createJobNotifier, type JobNotifier } from '../processor/job-notifier.ts';
import type { Log } from '../processor/log.ts';
import type { Settings } from '../settings.ts';

/** The webhook signing secret: given directly (local stack) or read from Secrets Manager, cached. */
function webhookSecretSource(settings: Settings): () => Promise<string | undefined> {
  if (settings.webhookSecret) return async () => settings.webhookSecret;
  const arn = settings.webhookSecretArn;
  if (!arn) return async () => undefined;
  return async () => (await getSecret<string>(arn, { maxAge: 300 })) ?? undefined;
}

/** The final-webhook notifier the processor and the dead-letter function share, from the settings. */
export function createConfiguredNotifier(settings: Settings, log: Log): JobNotifier {
  const webhooks = createWebhookSender({
    secret: webhookSecretSource(settings),
    egress: egressFor(settings.localMode, settings.stackPorts),
  });
  return createJobNotifier({ webhooks, limits: settings.limits, log });
}
