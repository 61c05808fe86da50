import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, parseId, parseInput, refuseWrite, requireRole, type ApiKeySigner, type RequestSession } from '@chief/runtime';
import type { SqlClient } from '@chief/db';
import { apiKeys } from '../models/index.ts';

const createApiKeyInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  scopes: z.array(z.enum(['read', 'write'])).min(1, 'must name at least one scope').nullish(),
  expiresAt: z.date().refine((d) => d.getTime() > Date.now(), 'must be in the future').nullish(),
});

/** The stored form of a key: SHA-256 of the whole secret. Keys are random, so no salt is needed. */
export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function createApiKey(request: RequestSession, signer: ApiKeySigner, rawInput: unknown) {
  const input = parseInput(createApiKeyInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const { key: secret, prefix } = signer.issue();
    const scopes = [...new Set(input.scopes ?? ['read' as const])];
    const [row] = await session.db
      .insert(apiKeys)
      .values({
        workspaceId: session.identity.workspaceId!,
        name: input.name,
        prefix,
        keyHash: hashApiKey(secret),
        scopes,
        expiresAt: input.expiresAt ?? null,
        createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, { type: 'core.api_key.created', entityId: row!.id, payload: { name: row!.name, scopes } });
    return { apiKey: row!, secret };
  });
}

export async function revokeApiKey(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const [row] = await session.db
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) {
      const [already] = await session.db.select().from(apiKeys).where(eq(apiKeys.id, id));
      if (already) return already;
      return refuseWrite(session, apiKeys, 'ApiKey', id);
    }
    await appendEvent(session, { type: 'core.api_key.revoked', entityId: id, payload: { name: row.name } });
    return row;
  });
}

/** What the gateway learns about a presented key: nothing unless it is live. */
export type ApiKeyAuthentication = { apiKeyId: string; workspaceId: string; scopes: string[] } | null;

/**
 * Checks a presented key for the gateway, on every request so that revocation takes effect at
 * once, and records its use. Runs as the service role through auth.authenticate_api_key, the
 * one place that may look a key up across workspaces.
 */
export async function authenticateApiKey(sql: SqlClient, signer: ApiKeySigner, key: string): Promise<ApiKeyAuthentication> {
  // The gateway has refused forgeries already; core does not look one up either.
  if (!signer.isGenuine(key)) return null;
  const rows = await sql.begin(async (tx) => {
    await tx`select set_config('role', 'chief_service', true)`;
    // Scopes as JSON: Chief's connections do not look up array types (createSqlClient); JSON always parses.
    return tx<{ key_id: string; key_workspace_id: string; key_scopes: string[] }[]>`
      select key_id, key_workspace_id, to_json(key_scopes) as key_scopes from auth.authenticate_api_key(${hashApiKey(key)})`;
  });
  const row = rows[0];
  if (!row) return null;
  return { apiKeyId: row.key_id, workspaceId: row.key_workspace_id, scopes: row.key_scopes };
}
