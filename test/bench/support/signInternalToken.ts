import { createHmac } from 'node:crypto';
import { createInternalTokens, type Identity } from '@chief/runtime';

/**
 * The internal token Chief's gateway would sign for `identity`, but living `ttlSeconds` instead of
 * its 60: what a comparison gateway (which checks nothing and passes its client's credential on)
 * is handed for a subscription benchmark that lasts minutes, where each event's entity fetches
 * carry the token of the socket's connection_init. It is the real signer's token with `exp`
 * moved, signed again the same way, and checked by the real verifier before it is handed out.
 */
export function signInternalToken(secret: string, identity: Identity, ttlSeconds: number): string {
  const tokens = createInternalTokens(secret);
  const [header, body] = tokens.sign(identity).split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { iat: number; exp: number };
  claims.exp = claims.iat + ttlSeconds;
  const signed = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const token = `${signed}.${createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest('base64url')}`;
  tokens.verify(token);
  return token;
}
