import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { bearerToken, unauthenticated, type ApiKeySigner, type Config } from '@chief/runtime';
import { presentedApiKey, type Authenticator } from './createAuthenticator.ts';
import type { GatewayContext } from './gatewayContext.ts';
import type { RateLimitCheck } from './createRateLimitCheck.ts';

export interface RequestContextOptions {
  config: Config;
  authenticator: Authenticator;
  apiKeySigner: ApiKeySigner;
  rateLimit: RateLimitCheck;
}

/**
 * Builds each request's context before the operation is parsed, so it does only what is cheap:
 * verifies a JWT locally, refuses an API key that Chief did not issue (its tag, checked locally:
 * no lookup, no state), and counts every request against a rate limit. A genuine API key is
 * counted under its digest (only someone holding the key can spend its budget) and looked up at
 * core later, by authorizeOperation, once the operation has passed the gateway's checks.
 */
export function createRequestContext({ config, authenticator, apiKeySigner, rateLimit }: RequestContextOptions) {
  // The client's address, through the configured proxies only: anyone can write X-Forwarded-For.
  const trustProxy = proxyaddr.compile(config.trustedProxies);

  return async function context(request: IncomingMessage, requestId: string): Promise<GatewayContext> {
    const receivedAt = performance.now();
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const credentials = { bearer: bearerToken(request.headers.authorization), apiKey: header('x-api-key'), workspace: header('x-chief-workspace') };
    const key = presentedApiKey(credentials);
    if (key) {
      if (!apiKeySigner.isGenuine(key)) throw unauthenticated('The API key is invalid, revoked or expired');
      await rateLimit(`key:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`, config.rateLimit.keyMax);
      return { requestId, receivedAt, apiKey: { key, workspace: credentials.workspace } };
    }
    // Without credentials only introspection may run (when it is on), so the explorer can show
    // the documentation before a token is entered; refuseAnonymousOperations holds the line.
    if (config.introspection && !credentials.bearer) {
      await rateLimit(`ip:${proxyaddr(request, trustProxy)}`, config.rateLimit.userMax);
      return { requestId, receivedAt };
    }
    const { identity, clientId, expiresAt } = await authenticator.verifyToken(credentials.bearer, credentials.workspace);
    await rateLimit(`user:${identity.userId}`, config.rateLimit.userMax);
    return { requestId, receivedAt, identity, clientId, expiresAt };
  };
}
