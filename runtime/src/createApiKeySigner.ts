import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// chief_<prefix>_<secret>_<tag>: 6 random bytes readable in lists, 32 random bytes, and 16 bytes of
// HMAC-SHA256 over the rest under API_KEY_SECRET, all base64url (which may itself hold _ and -,
// hence the fixed lengths).
const KEY = /^(chief_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43})_([A-Za-z0-9_-]{22})$/;

/**
 * Partner API keys that carry their own proof of origin: a tag keyed with API_KEY_SECRET, which
 * the gateway and core share. A key nobody issued is told apart with one HMAC and no state, on
 * any gateway instance, before any lookup; only keys Chief made reach the database.
 */
export function createApiKeySigner(secret: string) {
  const tag = (body: string) => createHmac('sha256', secret).update(body).digest().subarray(0, 16);
  return {
    /** A new key, and the prefix shown beside it in lists. */
    issue(): { key: string; prefix: string } {
      const prefix = `chief_${randomBytes(6).toString('base64url')}`;
      const body = `${prefix}_${randomBytes(32).toString('base64url')}`;
      return { key: `${body}_${tag(body).toString('base64url')}`, prefix };
    },
    /** Whether `key` has the format and a tag made with this secret (not whether it is still live). */
    isGenuine(key: string): boolean {
      const match = KEY.exec(key);
      if (!match) return false;
      // Compared as text: base64url of 16 bytes leaves 4 bits spare, and 16 spellings of one tag
      // would decode alike (each with a rate-limit budget of its own).
      return timingSafeEqual(Buffer.from(match[2]!), Buffer.from(tag(match[1]!).toString('base64url')));
    },
  };
}

export type ApiKeySigner = ReturnType<typeof createApiKeySigner>;
