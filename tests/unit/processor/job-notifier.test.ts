import { createJobRecord, type JobMessage } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest, WebhookSender } from '../../../src/jobs/webhook-sender.ts';
import { buildWebhookId, createJobNotifier } from '../../../src/processor/job-notifier.ts';

const LIMITS = { maxHeadersSize: 1024, maxMetadataSize: 1024 };

function recordingSender(delivered: boolean) {
  const sent: WebhookRequest[] = [];
  const sender: WebhookSender = {
    send: async (request) => {
      sent.push(request);
      return delivered
        ? { delivered: true, attempts: 1, status: 204 }
        : { delivered: false, attempts: 3, reason: 'HTTP 503 from https://hooks.example.com/x' };
    },
  };
  return { sent, sender };
}

function finished(jobSpec: unknown) {
  const record = {
    ...createJobRecord({ jobId: 'job-1', jobInfo: {}, now: new Date(0), ttlSeconds: 60 }),
    status: 'failed' as const,
    error: 'boom',
  };
  const message: JobMessage = { jobId: 'job-1', jobSpec, submittedAt: record.submittedAt };
  return { record, message };
}

describe('buildWebhookId', () => {
  it('is the same for every retry of one final state, and differs between states', () => {
    expect(buildWebhookId('job-1', 'completed')).toBe('msg_job-1_completed');
    expect(buildWebhookId('job-1', 'failed')).toBe('msg_job-1_failed');
  });
});

describe('createJobNotifier', () => {
  it('sends the job view with the spec metadata, method and headers', async () => {
    // Prepare
    const { sent, sender } = recordingSender(true);
    const logs: string[] = [];
    const notifier = createJobNotifier({ webhooks: sender, limits: LIMITS, log: (_, m) => logs.push(m) });
    const webhook = {
      url: 'https://hooks.example.com/x',
      method: 'PUT',
      headers: { 'X-T': '1' },
      metadata: { n: 7 },
    };
    const { record, message } = finished({ notifications: { webhook } });
    // Act
    await notifier.notify(message, record);
    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: 'https://hooks.example.com/x',
      method: 'PUT',
      headers: { 'X-T': '1' },
      webhookId: 'msg_job-1_failed',
      body: { jobId: 'job-1', status: 'failed', error: 'boom', metadata: { n: 7 } },
    });
    expect(logs).toEqual(['Webhook delivered']);
  });

  it('sends nothing when the spec asks for no webhook', async () => {
    const { sent, sender } = recordingSender(true);
    const notifier = createJobNotifier({ webhooks: sender, limits: LIMITS, log: () => {} });
    const { record, message } = finished({ output: { filename: 'x' } });
    await notifier.notify(message, record);
    expect(sent).toEqual([]);
  });

  it('logs an undelivered webhook with its reason and never throws', async () => {
    const { sender } = recordingSender(false);
    const logs: [string, unknown][] = [];
    const notifier = createJobNotifier({
      webhooks: sender,
      limits: LIMITS,
      log: (_, m, fields) => logs.push([m, fields?.reason]),
    });
    const { record, message } = finished({
      notifications: { webhook: { url: 'https://hooks.example.com/x' } },
    });
    await expect(notifier.notify(message, record)).resolves.toBeUndefined();
    expect(logs).toEqual([['Webhook not delivered', 'HTTP 503 from https://hooks.example.com/x']]);
  });
});
