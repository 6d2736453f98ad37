import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createWebhookSender, type WebhookSender } from '../jobs/webhook-sender.ts';
import { egressFor } from '../net/egress-guard.ts';
import type { Settings } from '../settings.ts';

/** The webhook signing secret: given directly (local stack) or read from Secrets Manager, cached. */
function webhookSecretSource(settings: Settings): () => Promise<string | undefined> {
  if (settings.webhookSecret) return async () => settings.webhookSecret;
  const arn = settings.webhookSecretArn;
  if (!arn) return async () => undefined;
  return async () => (await getSecret<string>(arn, { maxAge: 300 })) ?? undefined;
}

/** The sender the processor and the dead-letter function share, configured from the settings. */
export function createConfiguredWebhookSender(settings: Settings): WebhookSender {
  return createWebhookSender({
    secret: webhookSecretSource(settings),
    egress: egressFor(settings.localMode, settings.stackPorts),
  });
}
