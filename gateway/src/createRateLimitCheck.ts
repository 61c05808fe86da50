import { HeaderMap } from '@apollo/server';
import { ErrorCode, chiefError, type Logger } from '@chief/runtime';
import type { RateDecision, RateLimiter } from './createRateLimiter.ts';

/** Counts one request for a subject against its limit; throws RATE_LIMITED (429, Retry-After) when over it. */
export type RateLimitCheck = (subject: string, limit: number) => Promise<void>;

/**
 * The rate-limit check of every request. If the counter store fails (Redis down), the request
 * goes through with a warning: an outage of the limiter must not become an outage of the API.
 */
export function createRateLimitCheck(rateLimiter: RateLimiter, windowSeconds: number, logger: Logger): RateLimitCheck {
  return async (subject, limit) => {
    let decision: RateDecision;
    try {
      decision = await rateLimiter.hit(subject, limit);
    } catch (error) {
      logger.warn({ err: error }, 'rate limiter unavailable; request allowed');
      return;
    }
    if (decision.allowed) return;
    const error = chiefError(ErrorCode.RATE_LIMITED, `Too many requests: at most ${limit} every ${windowSeconds} s; retry in ${decision.retryAfterSeconds} s`, {
      retryAfter: decision.retryAfterSeconds,
    });
    error.extensions.http = { status: 429, headers: new HeaderMap([['retry-after', String(decision.retryAfterSeconds)]]) };
    throw error;
  };
}
