import { createHash, randomUUID } from 'node:crypto';

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  /** Epoch ms from which the message can be received again. */
  visibleAt: number;
  receiptHandle: string | undefined;
  firstReceivedAt: number | undefined;
}

export type QueueChange =
  | {
      readonly type: 'send';
      readonly message: Pick<QueuedMessage, 'messageId' | 'body' | 'sentAt' | 'receiveCount'>;
    }
  | { readonly type: 'receive'; readonly messageId: string; readonly receiveCount: number }
  | { readonly type: 'delete'; readonly messageId: string };

export interface LocalQueueOptions {
  readonly name: string;
  readonly visibilityTimeoutMs: number;
  /** Redrive: past this many receives a message moves to `deadLetter`. */
  readonly maxReceiveCount?: number;
  readonly deadLetter?: LocalQueue;
  readonly now?: () => number;
}

/**
 * SQS semantics in memory, for one machine: visibility timeouts, receive counts, redrive to a
 * dead-letter queue after `maxReceiveCount` receives. Listeners hear of every new message.
 */
export class LocalQueue {
  readonly name: string;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number | undefined;
  readonly deadLetter: LocalQueue | undefined;
  readonly #messages = new Map<string, QueuedMessage>();
  readonly #listeners = new Set<() => void>();
  readonly #observers = new Set<(change: QueueChange) => void>();
  readonly #now: () => number;

  constructor(options: LocalQueueOptions) {
    this.name = options.name;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs;
    this.maxReceiveCount = options.maxReceiveCount;
    this.deadLetter = options.deadLetter;
    this.#now = options.now ?? Date.now;
  }

  /** A new message, visible after `delayMs` (SQS's DelaySeconds). */
  send(body: string, delayMs = 0): { messageId: string; md5OfBody: string } {
    const messageId = randomUUID();
    this.#add(
      { messageId, body, sentAt: this.#now(), receiveCount: 0 },
      delayMs > 0 ? this.#now() + delayMs : 0,
    );
    return { messageId, md5OfBody: createHash('md5').update(body).digest('hex') };
  }

  /** Puts back messages kept from an earlier run; they are visible at once. */
  restore(messages: readonly Pick<QueuedMessage, 'messageId' | 'body' | 'sentAt' | 'receiveCount'>[]): void {
    for (const message of messages) this.#add(message);
  }

  #add(message: Pick<QueuedMessage, 'messageId' | 'body' | 'sentAt' | 'receiveCount'>, visibleAt = 0): void {
    this.#messages.set(message.messageId, {
      ...message,
      visibleAt,
      receiptHandle: undefined,
      firstReceivedAt: undefined,
    });
    this.#notify({ type: 'send', message });
    for (const listener of this.#listeners) listener();
  }

  #remove(messageId: string): boolean {
    const removed = this.#messages.delete(messageId);
    if (removed) this.#notify({ type: 'delete', messageId });
    return removed;
  }

  #notify(change: QueueChange): void {
    for (const observer of this.#observers) observer(change);
  }

  /** Hears every send, receive and delete (the dev server journals them to disk). */
  observe(observer: (change: QueueChange) => void): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /** Up to `max` visible messages, each hidden for the visibility timeout (or `visibilityMs`). */
  receive(max = 1, visibilityMs = this.visibilityTimeoutMs): QueuedMessage[] {
    const now = this.#now();
    const received: QueuedMessage[] = [];
    for (const message of [...this.#messages.values()].sort((a, b) => a.sentAt - b.sentAt)) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      if (this.maxReceiveCount !== undefined && message.receiveCount >= this.maxReceiveCount) {
        this.#remove(message.messageId);
        this.deadLetter?.send(message.body);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityMs;
      message.receiptHandle = randomUUID();
      this.#notify({ type: 'receive', messageId: message.messageId, receiveCount: message.receiveCount });
      received.push({ ...message });
    }
    return received;
  }

  delete(receiptHandle: string): boolean {
    for (const message of this.#messages.values()) {
      if (message.receiptHandle === receiptHandle) return this.#remove(message.messageId);
    }
    return false;
  }

  changeVisibility(receiptHandle: string, visibilityMs: number): boolean {
    for (const message of this.#messages.values()) {
      if (message.receiptHandle === receiptHandle) {
        message.visibleAt = this.#now() + visibilityMs;
        return true;
      }
    }
    return false;
  }

  /** Epoch ms of the next moment a message becomes visible, if any is waiting. */
  nextVisibleAt(): number | undefined {
    const times = [...this.#messages.values()].map((m) => m.visibleAt);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Bodies of every message held, visible or not (for checks and reports). */
  bodies(): string[] {
    return [...this.#messages.values()].map((m) => m.body);
  }

  get size(): number {
    return this.#messages.size;
  }

  onMessage(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
