import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { UUID_PATTERN, badUserInput, unauthenticated, type Config, type Identity } from '@chief/runtime';

export interface AuthenticatorOptions {
  auth: Config['auth'];
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

/**
 * Verifies the bearer JWT of a request: HS256 with the configured secret, or the identity
 * provider's keys from a JWKS URL. Tokens must name a subject and expire; `alg: none` and
 * algorithms other than the configured ones are refused by construction.
 */
export function createAuthenticator({ auth }: AuthenticatorOptions) {
  const secret = auth.jwtSecret ? new TextEncoder().encode(auth.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  const common = { issuer: auth.issuer, audience: auth.audience, requiredClaims: ['sub', 'exp'] };

  async function verifyJwt(token: string) {
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
     * The identity of a request. The workspace comes from the `x-chief-workspace` header or,
     * failing that, the token's `wid` claim; membership is checked by the database.
     */
    async authenticate(token: string | undefined, workspaceHeader: string | undefined): Promise<Identity> {
      if (!token) throw unauthenticated('Send a bearer token: Authorization: Bearer <token>');
      let claims;
      try {
        claims = await verifyJwt(token);
      } catch {
        throw unauthenticated('The token is invalid, expired or not signed by a trusted key');
      }
      const workspaceId = workspaceHeader ?? (typeof claims.wid === 'string' ? claims.wid : undefined);
      if (workspaceId !== undefined && !UUID_PATTERN.test(workspaceId)) {
        const error = badUserInput('x-chief-workspace', 'x-chief-workspace must be a workspace id');
        error.extensions.http = { status: 400 };
        throw error;
      }
      return { kind: 'user', userId: claims.sub!, workspaceId: workspaceId?.toLowerCase() ?? null, scopes: ['read', 'write'] };
    },
  };
}
