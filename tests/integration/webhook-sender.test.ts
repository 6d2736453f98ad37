import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookSender, WEBHOOK_USER_AGENT } from '../../src/jobs/webhook-sender.ts';
import { LOCAL_EGRESS } from '../../src/net/egress-guard.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const SECRET = `whsec_${Buffer.from('another secret, thirty-two bytes').toString('base64')}`;
let receiver: WebhookReceiver;
let waits: number[];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.received.length = 0;
  waits = [];
});

const sender = (timeoutMs = 30_000) =>
  createWebhookSender({
    secret: async () => SECRET,
    egress: LOCAL_EGRESS,
    wait: async (seconds) => {
      waits.push(seconds);
    },
    policy: { attempts: 3, backoffSeconds: [1, 2, 4], timeoutMs },
  });

const request = (overrides: object = {}) => ({
  url: receiver.url,
  method: 'POST' as const,
  headers: { Authorization: 'Bearer t0ken', 'content-type': 'text/plain', 'User-Agent': 'spoofed' },
  body: { jobId: 'j-1', status: 'completed', metadata: { orderId: 7 } },
  webhookId: 'msg_j-1_completed',
  ...overrides,
});

describe('webhook delivery', () => {
  it('sends the body as JSON with the spec headers, ours winning, signed per Standard Webhooks', async () => {
    const delivery = await sender().send(request());
    expect(delivery).toEqual({ delivered: true, attempts: 1, status: 200 });
    const [hook] = receiver.received;
    expect(hook?.headers.authorization).toBe('Bearer t0ken');
    expect(hook?.headers['content-type']).toBe('application/json');
    expect(hook?.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    expect(new Webhook(SECRET).verify(hook?.body as string, hook?.headers as Record<string, string>)).toEqual(
      {
        jobId: 'j-1',
        status: 'completed',
        metadata: { orderId: 7 },
      },
    );
  });

  it('uses PUT when the spec says so', async () => {
    await sender().send(request({ method: 'PUT' }));
    expect(receiver.received[0]?.method).toBe('PUT');
  });

  it('retries 5xx with 1 s then 2 s of backoff, keeping the webhook id and signing each attempt', async () => {
    receiver.respondWith(503, 500);
    const delivery = await sender().send(request());
    expect(delivery).toEqual({ delivered: true, attempts: 3, status: 200 });
    expect(waits).toEqual([1, 2]);
    expect(new Set(receiver.received.map((h) => h.headers['webhook-id']))).toEqual(
      new Set(['msg_j-1_completed']),
    );
    for (const hook of receiver.received) {
      expect(() =>
        new Webhook(SECRET).verify(hook.body, hook.headers as Record<string, string>),
      ).not.toThrow();
    }
  });

  it.each([400, 401, 403, 404, 405, 410, 422])('stops at once on HTTP %i', async (status) => {
    receiver.respondWith(status);
    const delivery = await sender().send(request());
    expect(delivery).toEqual({
      delivered: false,
      attempts: 1,
      reason: `HTTP ${status} from ${receiver.url}`,
      final: true,
    });
    expect(waits).toEqual([]);
  });

  it.each([408, 429])('retries HTTP %i', async (status) => {
    receiver.respondWith(status, status, status);
    const delivery = await sender().send(request());
    expect(delivery).toMatchObject({ delivered: false, attempts: 3 });
    expect(receiver.received).toHaveLength(3);
  });

  it('retries a dropped connection', async () => {
    receiver.respondWith('reset');
    const delivery = await sender().send(request());
    expect(delivery).toEqual({ delivered: true, attempts: 2, status: 200 });
  });

  it('gives up on a receiver that never answers, after the timeout of each attempt', async () => {
    receiver.respondWith('hang', 'hang', 'hang');
    const delivery = await sender(300).send(request());
    expect(delivery).toEqual({
      delivered: false,
      attempts: 3,
      reason: `no answer within 0.3 s (${receiver.url})`,
      final: false,
    });
  });

  it('does not follow redirects', async () => {
    receiver.respondWith(302);
    const delivery = await sender().send(request());
    expect(delivery).toMatchObject({ delivered: false, attempts: 1 });
  });
});
