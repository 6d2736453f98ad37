import { createJobRecord, type JobMessage } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import type { WebhookMessage } from '../../../src/jobs/webhook-queue.ts';
import { buildWebhookId, createJobNotifier } from '../../../src/processor/job-notifier.ts';

const LIMITS = { maxHeadersSize: 1024, maxMetadataSize: 1024 };

function recordingQueue(fails = false) {
  const sent: WebhookMessage[] = [];
  return {
    sent,
    queue: {
      send: async (message: WebhookMessage) => {
        if (fails) throw new Error('queue unreachable');
        sent.push(message);
      },
    },
  };
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
    expect(buildWebhookId('job-1', 'cancelled')).toBe('msg_job-1_cancelled');
  });
});

describe('createJobNotifier', () => {
  it('queues the job view with the spec metadata, method and headers, no attempt made yet', async () => {
    // Prepare
    const { sent, queue } = recordingQueue();
    const logs: string[] = [];
    const notifier = createJobNotifier({ queue, limits: LIMITS, log: (_, m) => logs.push(m) });
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
      attempts: 0,
      notification: {
        jobId: 'job-1',
        url: 'https://hooks.example.com/x',
        method: 'PUT',
        headers: { 'X-T': '1' },
        webhookId: 'msg_job-1_failed',
        body: { jobId: 'job-1', status: 'failed', error: 'boom', metadata: { n: 7 } },
      },
    });
    expect(logs).toEqual(['Webhook queued']);
  });

  it('prefers the webhook the record keeps over the message (a job submitted since records keep it)', async () => {
    const { sent, queue } = recordingQueue();
    const notifier = createJobNotifier({ queue, limits: LIMITS, log: () => {} });
    const { record, message } = finished({ notifications: { webhook: { url: 'https://old.example.com/' } } });
    const kept = {
      url: 'https://kept.example.com/h',
      method: 'POST' as const,
      headers: {},
      metadata: { a: 1 },
    };
    await notifier.notify(message, { ...record, webhook: kept });
    expect(sent[0]?.notification).toMatchObject({
      url: 'https://kept.example.com/h',
      body: { metadata: { a: 1 } },
    });
  });

  it('queues nothing when the spec asks for no webhook', async () => {
    const { sent, queue } = recordingQueue();
    const notifier = createJobNotifier({ queue, limits: LIMITS, log: () => {} });
    const { record, message } = finished({ output: { filename: 'x' } });
    await notifier.notify(message, record);
    expect(sent).toEqual([]);
  });

  it('logs a notification the queue refused and never throws', async () => {
    const { queue } = recordingQueue(true);
    const logs: [string, unknown][] = [];
    const notifier = createJobNotifier({
      queue,
      limits: LIMITS,
      log: (_, m, fields) => logs.push([m, fields?.error]),
    });
    const { record, message } = finished({
      notifications: { webhook: { url: 'https://hooks.example.com/x' } },
    });
    await expect(notifier.notify(message, record)).resolves.toBeUndefined();
    expect(logs).toEqual([['Webhook could not be queued', 'queue unreachable']]);
  });
});
