import { Redis, type Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** GCRA_SCRIPT: ms until the request would be allowed, 0 when it is. */
    chiefGcra(key: string, windowMs: number, limit: number): Result<number, Context>;
  }
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the request would be allowed (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request for `subject` against `limit` per window. */
  hit(subject: string, limit: number): Promise<RateDecision>;
  /** Resolves true once the counter store answers, false if it does not within `ms`. */
  connect(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/*
 * Both limiters use GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp):
 * a subject may send `limit` requests at once, then one every window/limit. Unlike fixed windows
 * there is no boundary at which a client gets twice its limit, and no moment at which counts
 * reset under a client's feet. Per subject the state is the theoretical arrival time (TAT) of
 * its next request; a subject whose TAT has passed holds no state at all.
 */

/** Either limiter's answer: allowed when nothing is left to wait, else Retry-After in whole seconds. */
const decisionAfter = (waitMs: number): RateDecision =>
  waitMs > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } : { allowed: true, retryAfterSeconds: 0 };

/** One GCRA step: the decision and the TAT to store when allowed. Times in ms. */
function gcra(storedTat: number | undefined, now: number, limit: number, windowMs: number) {
  const nextTat = Math.max(storedTat ?? now, now) + windowMs / limit;
  const decision = decisionAfter(nextTat - windowMs - now);
  return { decision, nextTat: decision.allowed ? nextTat : undefined };
}

/** Counted in this process: right for a single gateway instance. */
export function createMemoryRateLimiter(windowSeconds: number): RateLimiter {
  const windowMs = windowSeconds * 1000;
  const tats = new Map<string, number>();
  // Idle subjects are forgotten once their TAT has passed, so the map holds only active callers.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [subject, tat] of tats) if (tat <= now) tats.delete(subject);
  }, windowMs).unref();
  return {
    async hit(subject, limit) {
      const { decision, nextTat } = gcra(tats.get(subject), Date.now(), limit, windowMs);
      if (nextTat !== undefined) tats.set(subject, nextTat);
      return decision;
    },
    async connect() {
      return true;
    },
    async close() {
      clearInterval(sweep);
    },
  };
}

// The same step in Redis, atomic per subject, on Redis's clock so that gateway instances whose
// clocks differ still agree. ARGV: window ms, limit.
// Returns the ms until the request would be allowed, 0 when it is.
const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1]) / tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - tonumber(ARGV[1])
if allowed_at > now then return math.ceil(allowed_at - now) end
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now))
return 0`;

/** GCRA in Redis, shared by every gateway instance: one script call per request. */
export function createRedisRateLimiter(redisUrl: string, windowSeconds: number): RateLimiter {
  // No offline queue: while Redis is unreachable a count fails at once (and the gateway lets the
  // request through) instead of holding requests until it returns.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => {}); // reconnects on its own; each failed count is logged by the gateway
  redis.defineCommand('chiefGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });
  const windowMs = windowSeconds * 1000;
  return {
    hit: async (subject, limit) => decisionAfter(await redis.chiefGcra(`chief:rate:${subject}`, windowMs, limit)),
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

/** The limiter a gateway uses: in Redis when REDIS_URL is set (shared by instances), else in memory. */
export function createRateLimiter(redisUrl: string | undefined, windowSeconds: number): RateLimiter {
  return redisUrl ? createRedisRateLimiter(redisUrl, windowSeconds) : createMemoryRateLimiter(windowSeconds);
}
