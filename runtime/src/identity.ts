import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
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

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const base64urlJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The gateway speaking for itself (reading a subgraph's SDL, asking core about a key): it reads no data. */
export const GATEWAY_IDENTITY: Identity = Object.freeze({ kind: 'gateway', userId: null, workspaceId: null, scopes: Object.freeze([]) as unknown as string[] });

/**
 * The gateway signs a short-lived token per request carrying the verified identity; subgraphs
 * accept nothing else, so a direct call that skipped the gateway has no identity at all. The token
 * is a JWT (HS256 under SUBGRAPH_SECRET) that both ends make and check with node:crypto's HMAC in
 * a few microseconds: this runs for every subgraph call, where a general JOSE library through
 * WebCrypto costs several times more. Only HS256 is accepted, and no `crit` header.
 */
export function createInternalTokens(secret: string) {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const signature = (signed: string) => createHmac('sha256', key).update(signed).digest();
  const refused = () => unauthenticated('Invalid or expired credentials');
  return {
    /** `ttlSeconds`: 60 for a request; longer only for what outlives one (a benchmark's comparison gateway). */
    sign(identity: Identity, ttlSeconds = TOKEN_TTL_SECONDS): string {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        kind: identity.kind,
        wid: identity.workspaceId,
        scopes: identity.scopes,
        ...(identity.kind === 'apiKey' ? { key: identity.apiKeyId } : {}),
        iss: ISSUER,
        aud: AUDIENCE,
        sub: identity.userId ?? identity.kind,
        iat: now,
        exp: now + ttlSeconds,
      };
      const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${signed}.${signature(signed).toString('base64url')}`;
    },
    verify(token: string): Identity {
      const parts = token.split('.');
      if (parts.length !== 3) throw refused();
      const [header, body, presented] = parts as [string, string, string];
      const expected = signature(`${header}.${body}`);
      const given = Buffer.from(presented, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
      let protectedHeader: unknown;
      let payload: unknown;
      try {
        protectedHeader = base64urlJson(header);
        payload = base64urlJson(body);
      } catch {
        throw refused();
      }
      if (!isRecord(protectedHeader) || protectedHeader.alg !== 'HS256' || 'crit' in protectedHeader || !isRecord(payload)) throw refused();
      const now = Date.now() / 1000;
      const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (payload.iss !== ISSUER || !audience.includes(AUDIENCE)) throw refused();
      if (typeof payload.exp !== 'number' || payload.exp <= now) throw refused();
      if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now)) throw refused();
      const kind = payload.kind;
      // Requests are people, partner keys or the gateway; the service role is for background work.
      if (kind !== 'user' && kind !== 'apiKey' && kind !== 'gateway') throw refused();
      const caller: Caller = {
        userId: kind === 'user' && typeof payload.sub === 'string' ? payload.sub : null,
        workspaceId: typeof payload.wid === 'string' && UUID_PATTERN.test(payload.wid) ? payload.wid : null,
        scopes: Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [],
      };
      if (kind === 'user' && !caller.userId) throw refused();
      if (kind !== 'apiKey') return { kind, ...caller };
      // An API key identity names its key.
      if (typeof payload.key !== 'string' || !UUID_PATTERN.test(payload.key)) throw refused();
      return { kind, ...caller, apiKeyId: payload.key };
    },
  };
}

export type InternalTokens = ReturnType<typeof createInternalTokens>;

/** Reads `Authorization: Bearer <token>`; undefined when absent or of another scheme. */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** The identity of a `Bearer <token>` the gateway signed, or null for anything else. */
export function verifiedBearer(tokens: InternalTokens, header: unknown): Identity | null {
  const token = typeof header === 'string' ? bearerToken(header) : undefined;
  if (!token) return null;
  try {
    return tokens.verify(token);
  } catch {
    return null;
  }
}

/** When a `Bearer <token>` that verifiedBearer accepted expires, in ms since the epoch. */
export function bearerExpiresAt(header: string): number {
  const body = bearerToken(header)?.split('.')[1] ?? '';
  const { exp } = base64urlJson(body) as { exp: number };
  return exp * 1000;
}
