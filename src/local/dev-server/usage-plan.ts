/** The usage plan API Gateway enforces per API key: a token bucket and a daily quota. */
export interface UsagePlanLimits {
  /** Steady rate, requests per second. */
  readonly rate: number;
  /** Bucket size: requests that may arrive at once. */
  readonly burst: number;
  /** Requests per UTC day. */
  readonly quota: number;
}

export type UsageVerdict = 'allowed' | 'throttled' | 'quota-exceeded';

/**
 * API Gateway's behaviour, in memory: a request takes a token from a bucket of `burst` tokens that
 * refills at `rate` per second (429 Too Many Requests when empty), and counts against the day's
 * quota (429 Limit Exceeded once spent; a throttled request does not count).
 */
export function createUsagePlan(limits: UsagePlanLimits, now: () => number = Date.now) {
  let tokens = limits.burst;
  let refilledAt = now();
  let day = '';
  let used = 0;
  return {
    limits,
    admit(): UsageVerdict {
      const at = now();
      const today = new Date(at).toISOString().slice(0, 10);
      if (today !== day) {
        day = today;
        used = 0;
      }
      if (used >= limits.quota) return 'quota-exceeded';
      tokens = Math.min(limits.burst, tokens + ((at - refilledAt) / 1000) * limits.rate);
      refilledAt = at;
      if (tokens < 1) return 'throttled';
      tokens -= 1;
      used += 1;
      return 'allowed';
    },
    get usedToday(): number {
      return used;
    },
  };
}
