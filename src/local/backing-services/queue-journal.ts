import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LocalQueue, QueueChange } from './local-queue.ts';

type Kept = { messageId: string; body: string; sentAt: number; receiveCount: number };

/**
 * Keeps a local queue on disk as an append-only journal (one JSON line per send, receive and
 * delete), so messages outlive a stop of the dev server. On start the journal is replayed,
 * compacted to the live messages, and those are put back: visible at once, receive counts kept (so
 * the redrive to the dead-letter queue still counts receives from before the stop).
 */
export function attachQueueJournal(queue: LocalQueue, path: string): () => void {
  const live = new Map<string, Kept>();
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let change: QueueChange;
      try {
        change = JSON.parse(line) as QueueChange;
      } catch {
        continue; // a line cut short by a crash
      }
      if (change.type === 'send') live.set(change.message.messageId, { ...change.message });
      else if (change.type === 'receive') {
        const kept = live.get(change.messageId);
        if (kept) kept.receiveCount = change.receiveCount;
      } else live.delete(change.messageId);
    }
  }
  const compacted = [...live.values()].map((message) => JSON.stringify({ type: 'send', message })).join('\n');
  writeFileSync(`${path}.tmp`, compacted ? `${compacted}\n` : '');
  renameSync(`${path}.tmp`, path);

  queue.restore([...live.values()].sort((a, b) => a.sentAt - b.sentAt).map((m) => ({ ...m })));
  // Subscribed after the restore, which the compacted journal already holds.
  return queue.observe((change) => appendFileSync(path, `${JSON.stringify(change)}\n`));
}
