import { SignJWT, jwtVerify } from 'jose';
import { unauthenticated } from './errors.ts';

interface Caller {
  userId: string | null;
  workspaceId: string | null;
  /** What the caller may do: `read`, `write`. People have both; keys carry their own. */
  scopes: string[];
}

/**
 * Who is asking. `user`: a person, by identity-provider subject, acting in one workspace.
 * `apiKey`: a partner API key, bound to its workspace; the database gives it the member role
 * (write scope) or the viewer role while the key is live, and events name it by `apiKeyId`.
 * `service`: background work only, always bound to one workspace; never carried by a request.
 * `gateway`: the gateway itself, to read a subgraph's SDL; it touches no data.
 */
export type Identity =
  | (Caller & { kind: 'user' | 'service' | 'gateway'; apiKeyId?: undefined })
  | (Caller & { kind: 'apiKey'; apiKeyId: string });

/**
 * The caller as the event log and idempotency keys name them: a person by subject, a key by id,
 * background work as the system. Row-level security accepts a row only when it names the caller.
 */
export function callerActor(identity: Identity): { actorType: string; actorId: string } {
  if (identity.kind === 'user') return { actorType: 'user', actorId: identity.userId ?? '' };
  if (identity.kind === 'apiKey') return { actorType: 'api_key', actorId: identity.apiKeyId };
  return { actorType: 'system', actorId: identity.kind };
}

/** Where the gateway asks core about a partner API key: POST { key } → { apiKey: {...} | null }. */
export const API_KEY_ENDPOINT = '/internal/api-keys/authenticate';

const ISSUER = 'chief-gateway';
const AUDIENCE = 'chief-subgraphs';
const TOKEN_TTL_SECONDS = 60;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The gateway signs a short-lived token per request carrying the verified identity; subgraphs
 * accept nothing else, so a direct call that skipped the gateway has no identity at all.
 */
export function createInternalTokens(secret: string) {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(identity: Identity): Promise<string> {
      return new SignJWT({ kind: identity.kind, wid: identity.workspaceId, scopes: identity.scopes, ...(identity.kind === 'apiKey' ? { key: identity.apiKeyId } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(identity.userId ?? identity.kind)
        .setIssuedAt()
        .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
        .sign(key);
    },
    async verify(token: string): Promise<Identity> {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        const kind = payload.kind;
        // Requests are people, partner keys or the gateway; the service role is for background work.
        if (kind !== 'user' && kind !== 'apiKey' && kind !== 'gateway') throw new Error('unknown kind');
        const caller: Caller = {
          userId: kind === 'user' ? (payload.sub ?? null) : null,
          workspaceId: typeof payload.wid === 'string' && UUID_PATTERN.test(payload.wid) ? payload.wid : null,
          scopes: Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [],
        };
        if (kind !== 'apiKey') return { kind, ...caller };
        if (typeof payload.key !== 'string' || !UUID_PATTERN.test(payload.key)) throw new Error('an API key identity names its key');
        return { kind, ...caller, apiKeyId: payload.key };
      } catch {
        throw unauthenticated('Invalid or expired credentials');
      }
    },
  };
}

export type InternalTokens = ReturnType<typeof createInternalTokens>;

/** Reads `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
