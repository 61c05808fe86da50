import { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
  remaining: number;
}

export interface RateLimiter {
  /** Counts one request for `subject` against `limit` per window. */
  hit(subject: string, limit: number): Promise<RateDecision>;
  /** Resolves true once the counter store answers, false if it does not within `ms`. */
  connect(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

const decide = (count: number, limit: number, resetInMs: number): RateDecision => ({
  allowed: count <= limit,
  retryAfterSeconds: Math.max(1, Math.ceil(resetInMs / 1000)),
  remaining: Math.max(0, limit - count),
});

/** Fixed windows counted in this process: right for a single gateway instance. */
export function createMemoryRateLimiter(windowSeconds: number): RateLimiter {
  const windowMs = windowSeconds * 1000;
  // Only the current window's counts are kept: a new window starts from an empty map, so idle
  // subjects never pile up and no request pays for a sweep.
  let current = { window: -1, counts: new Map<string, number>() };
  return {
    async hit(subject, limit) {
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      if (current.window !== window) current = { window, counts: new Map() };
      const count = (current.counts.get(subject) ?? 0) + 1;
      current.counts.set(subject, count);
      return decide(count, limit, (window + 1) * windowMs - now);
    },
    async connect() {
      return true;
    },
    async close() {},
  };
}

/**
 * The same fixed windows in Redis, shared by every gateway instance: one INCR per request, the
 * key expiring with its window.
 */
export function createRedisRateLimiter(redisUrl: string, windowSeconds: number): RateLimiter {
  // No offline queue: while Redis is unreachable a count fails at once (and the gateway lets the
  // request through) instead of holding requests until it returns.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => {}); // reconnects on its own; each failed count is logged by the gateway
  const windowMs = windowSeconds * 1000;
  return {
    async hit(subject, limit) {
      const now = Date.now();
      const window = Math.floor(now / windowMs);
      const key = `chief:rate:${subject}:${window}`;
      const [[, count]] = (await redis.multi().incr(key).pexpire(key, windowMs).exec()) as [[Error | null, number], unknown];
      return decide(count, limit, (window + 1) * windowMs - now);
    },
    async connect(ms) {
      if (redis.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      redis.disconnect();
    },
  };
}
