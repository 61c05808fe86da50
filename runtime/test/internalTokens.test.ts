import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { createInternalTokens, type Identity } from '../src/index.ts';

const SECRET = 'internal-token-secret-internal-token-0123';
const tokens = createInternalTokens(SECRET);
const key = new TextEncoder().encode(SECRET);
const workspaceId = '7b0c9a52-2a3e-4c1e-9d6f-0a1b2c3d4e5f';
const apiKeyId = '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const person: Identity = { kind: 'user', userId: 'auth0|ada', workspaceId, scopes: ['read', 'write'] };

/** A token made by a general JOSE library, with Chief's claims unless `change` says otherwise. */
const joseToken = (change: (jwt: SignJWT) => SignJWT = (jwt) => jwt, claims: Record<string, unknown> = {}, secret = key, alg = 'HS256') =>
  change(
    new SignJWT({ kind: 'user', wid: workspaceId, scopes: ['read'], ...claims })
      .setProtectedHeader({ alg })
      .setIssuer('chief-gateway')
      .setAudience('chief-subgraphs')
      .setSubject('auth0|ada')
      .setIssuedAt()
      .setExpirationTime('60s'),
  ).sign(secret);

/** A token with any header, signed with the right secret (HMAC-SHA256) unless unsigned. */
const forge = (header: object, payload: object, signed = true) => {
  const body = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${signed ? createHmac('sha256', SECRET).update(body).digest('base64url') : ''}`;
};
const claims = { kind: 'user', sub: 'auth0|ada', wid: workspaceId, scopes: ['read'], iss: 'chief-gateway', aud: 'chief-subgraphs', exp: Math.floor(Date.now() / 1000) + 60 };

describe('internal tokens (gateway to subgraphs)', () => {
  it('carries every kind of identity there and back', () => {
    const key: Identity = { kind: 'apiKey', apiKeyId, userId: null, workspaceId, scopes: ['read'] };
    const gateway: Identity = { kind: 'gateway', userId: null, workspaceId: null, scopes: [] };
    for (const identity of [person, key, gateway]) expect(tokens.verify(tokens.sign(identity))).toEqual(identity);
  });

  it('accepts a token forged here with the right secret and claims (the control for the refusals)', () => {
    expect(tokens.verify(forge({ alg: 'HS256' }, claims)).userId).toBe('auth0|ada');
  });

  it('is a standard HS256 JWT: a JOSE library verifies ours, and we verify its', async () => {
    const { payload, protectedHeader } = await jwtVerify(tokens.sign(person), key, { issuer: 'chief-gateway', audience: 'chief-subgraphs', algorithms: ['HS256'] });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'auth0|ada', wid: workspaceId, kind: 'user' });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(tokens.verify(await joseToken())).toEqual({ kind: 'user', userId: 'auth0|ada', workspaceId, scopes: ['read'] });
  });

  const refused: [string, () => Promise<string> | string][] = [
    ['another secret', () => createInternalTokens('another-secret-another-secret-another-01').sign(person)],
    ['a changed payload', () => {
      const [header, , signature] = tokens.sign(person).split('.');
      return `${header}.${Buffer.from(JSON.stringify({ kind: 'user', sub: 'auth0|eve', wid: workspaceId, scopes: ['read', 'write'], iss: 'chief-gateway', aud: 'chief-subgraphs', exp: 9e9 })).toString('base64url')}.${signature}`;
    }],
    ['alg none, unsigned', () => forge({ alg: 'none' }, claims, false)],
    ['alg none, signed', () => forge({ alg: 'none' }, claims)],
    ['another algorithm (HS512)', () => joseToken(undefined, {}, key, 'HS512')],
    ['a crit header', () => forge({ alg: 'HS256', crit: ['b64'], b64: false }, claims)],
    ['an expired token', () => joseToken((jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 1))],
    ['a token not valid yet', () => joseToken((jwt) => jwt.setNotBefore('1h'))],
    ['another issuer', () => joseToken((jwt) => jwt.setIssuer('someone'))],
    ['another audience', () => joseToken((jwt) => jwt.setAudience('someone'))],
    ['the service kind (background work only)', () => joseToken(undefined, { kind: 'service' })],
    ['an API key identity without its key', () => joseToken(undefined, { kind: 'apiKey' })],
    ['two parts', () => tokens.sign(person).split('.').slice(0, 2).join('.')],
    ['not a token', () => 'not.a.token'],
  ];

  it.each(refused)('refuses %s with UNAUTHENTICATED', async (_name, token) => {
    const presented = await token();
    expect(() => tokens.verify(presented)).toThrowError(expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }));
  });
});
