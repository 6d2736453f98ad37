import { Webhook } from 'standardwebhooks';
import type { WebhookBody } from './contract.js';

/** The headers of a received webhook, as Node's `request.headers` or a Fetch `Headers` give them. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header's value whatever its case; the first of repeated values. */
function headerOf(headers: WebhookHeaders, name: string): string {
  if (headers instanceof Headers) return headers.get(name) ?? '';
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return (Array.isArray(value) ? value[0] : (value as string | undefined)) ?? '';
}

/**
 * The body of a job's webhook once its Standard Webhooks signature is checked against the
 * deployment's secret (`whsec_…`, or the bare base64 key): throws when the signature does not
 * match or the timestamp is more than five minutes off. Pass the body exactly as received (the
 * raw text, not JSON re-serialised). Drop duplicates by the `webhook-id` header: every attempt of
 * one notification carries the same.
 */
export function verifyWebhook(rawBody: string, headers: WebhookHeaders, secret: string): WebhookBody {
  const signer = new Webhook(secret.startsWith('whsec_') ? secret : `whsec_${secret}`);
  return signer.verify(rawBody, {
    'webhook-id': headerOf(headers, 'webhook-id'),
    'webhook-timestamp': headerOf(headers, 'webhook-timestamp'),
    'webhook-signature': headerOf(headers, 'webhook-signature'),
  }) as WebhookBody;
}
