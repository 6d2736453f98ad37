import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../src/local/backing-services/local-queue.ts';

function queues() {
  let now = 1_000;
  const clock = { advance: (ms: number) => (now += ms) };
  const deadLetter = new LocalQueue({ name: 'dlq', visibilityTimeoutMs: 1000, now: () => now });
  const jobs = new LocalQueue({
    name: 'jobs',
    visibilityTimeoutMs: 5000,
    maxReceiveCount: 3,
    deadLetter,
    now: () => now,
  });
  return { jobs, deadLetter, clock };
}

describe('LocalQueue', () => {
  it('hides a received message for the visibility timeout, then hands it out again', () => {
    const { jobs, clock } = queues();
    jobs.send('{"jobId":"a"}');
    const [first] = jobs.receive();
    expect(first?.receiveCount).toBe(1);
    expect(jobs.receive()).toEqual([]);
    clock.advance(5000);
    expect(jobs.receive()[0]?.receiveCount).toBe(2);
  });

  it('forgets a deleted message', () => {
    const { jobs, clock } = queues();
    jobs.send('x');
    const [message] = jobs.receive();
    expect(jobs.delete(message?.receiptHandle as string)).toBe(true);
    clock.advance(10_000);
    expect(jobs.receive()).toEqual([]);
    expect(jobs.size).toBe(0);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', () => {
    const { jobs, deadLetter, clock } = queues();
    jobs.send('{"jobId":"b"}');
    for (let receive = 1; receive <= 3; receive++) {
      expect(jobs.receive()[0]?.receiveCount).toBe(receive);
      clock.advance(5000);
    }
    expect(jobs.receive()).toEqual([]);
    expect(jobs.size).toBe(0);
    expect(deadLetter.receive().map((m) => m.body)).toEqual(['{"jobId":"b"}']);
  });

  it('tells listeners of new messages', () => {
    const { jobs } = queues();
    let heard = 0;
    jobs.onMessage(() => heard++);
    jobs.send('1');
    jobs.send('2');
    expect(heard).toBe(2);
  });
});
