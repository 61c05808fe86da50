import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UUID_PATTERN, badUserInput, forbidden, unauthenticated, withHttpStatus, type Config, type Identity } from '@chief/runtime';
import type { ApiKeyGrant } from './createApiKeyChecker.ts';

export interface AuthenticatorOptions {
  auth: Config['auth'];
  /** Looks up a partner API key; null when there is no such live key. */
  checkApiKey: (key: string, requestId: string) => Promise<ApiKeyGrant | null>;
}

/** What a request presents: a bearer token (JWT or API key), an x-api-key, a workspace header. */
export interface Credentials {
  bearer: string | undefined;
  apiKey: string | undefined;
  workspace: string | undefined;
}

/** A verified bearer JWT: who is asking, and the client application the token was issued to. */
export interface TokenCaller {
  identity: Identity;
  /** OIDC `azp`, or `client_id` (RFC 9068 access tokens). */
  clientId: string | undefined;
  /** When the token expires, in milliseconds since the epoch. */
  expiresAt: number;
}

// Chief's API keys look like chief_<prefix>_<secret>_<tag>; JWTs never start that way.
const isApiKey = (token: string) => token.startsWith('chief_');

/** The API key a request presents (x-api-key, or as the bearer token), if any. */
export const presentedApiKey = ({ apiKey, bearer }: Credentials) => apiKey ?? (bearer && isApiKey(bearer) ? bearer : undefined);

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

const claim = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** Verified tokens kept (most recent), and for how long at most, so a changed key set is heeded soon. */
const VERIFIED_MAX = 10_000;
const VERIFIED_TTL_MS = 60_000;

/**
 * Verifies bearer JWTs (HS256 with the configured secret, or the identity provider's keys from a
 * JWKS URL; tokens must name a subject and expire; `alg: none` and algorithms other than the
 * configured ones are refused by construction) and looks up partner API keys.
 */
export function createAuthenticator({ auth, checkApiKey }: AuthenticatorOptions) {
  const secret = auth.jwtSecret ? new TextEncoder().encode(auth.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  const common = { issuer: auth.issuer, audience: auth.audience, requiredClaims: ['sub', 'exp'] };

  // A client sends the same token with every request until it expires: its signature and claims
  // are checked once (through WebCrypto, tens of microseconds), then remembered until the token
  // expires or for a minute, whichever is sooner. Only tokens that passed are remembered.
  const verified = new Map<string, { claims: JWTPayload; until: number }>();
  async function verifyJwt(token: string): Promise<JWTPayload> {
    const now = Date.now();
    const known = verified.get(token);
    if (known && known.until > now) return known.claims;
    if (known) verified.delete(token);
    const claims = await verifyJwtAfresh(token);
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, until: Math.min(claims.exp! * 1000, now + VERIFIED_TTL_MS) });
    return claims;
  }

  async function verifyJwtAfresh(token: string) {
    if (jwks) {
      try {
        return (await jwtVerify(token, jwks, { ...common, algorithms: ASYMMETRIC })).payload;
      } catch (error) {
        if (!secret) throw error;
      }
    }
    return (await jwtVerify(token, secret!, { ...common, algorithms: ['HS256'] })).payload;
  }

  return {
    /**
     * The caller behind a bearer JWT, checked locally. The workspace comes from the
     * `x-chief-workspace` header or, failing that, the token's `wid` claim; membership is
     * checked by the database.
     */
    async verifyToken(token: string | undefined, workspaceHeader: string | undefined): Promise<TokenCaller> {
      if (!token) throw unauthenticated('Send a bearer token (Authorization: Bearer <token>) or an API key (x-api-key)');
      let claims;
      try {
        claims = await verifyJwt(token);
      } catch {
        throw unauthenticated('The token is invalid, expired or not signed by a trusted key');
      }
      // Signed is not enough: a subject must be the text an identity provider gives (RFC 7519 StringOrURI).
      const userId = claims.sub;
      if (typeof userId !== 'string' || !userId.trim() || userId.length > 255) throw unauthenticated('The token\'s subject (sub) must be a non-empty string of at most 255 characters');
      const [workspaceId, source] = workspaceHeader !== undefined ? [workspaceHeader, 'x-chief-workspace'] : [claim(claims.wid), 'the token\'s wid claim'];
      if (workspaceId !== undefined && !UUID_PATTERN.test(workspaceId)) {
        throw withHttpStatus(badUserInput(source === 'x-chief-workspace' ? source : 'wid', `${source} must be a workspace id`), 400);
      }
      return {
        identity: { kind: 'user', userId, workspaceId: workspaceId?.toLowerCase() ?? null, scopes: ['read', 'write'] },
        clientId: claim(claims.azp) ?? claim(claims.client_id),
        expiresAt: claims.exp! * 1000,
      };
    },

    /**
     * The identity of a partner API key, asked of core on every request so revocation is
     * immediate; null when there is no such live key.
     */
    async authenticateApiKey(key: string, workspaceHeader: string | undefined, requestId: string): Promise<Identity | null> {
      if (workspaceHeader !== undefined && !UUID_PATTERN.test(workspaceHeader)) throw withHttpStatus(badUserInput('x-chief-workspace', 'x-chief-workspace must be a workspace id'), 400);
      const grant = await checkApiKey(key, requestId);
      if (!grant) return null;
      if (workspaceHeader && workspaceHeader.toLowerCase() !== grant.workspaceId) throw withHttpStatus(forbidden('This API key belongs to another workspace'), 403);
      return { kind: 'apiKey', userId: null, workspaceId: grant.workspaceId, scopes: grant.scopes, apiKeyId: grant.apiKeyId };
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
