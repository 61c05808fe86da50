import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, parseId, parseInput, refuseWrite, requireRole, type RequestSession, type SecretBox } from '@chief/runtime';
import { integrationPlatform, integrations } from '../models/index.ts';

const connectIntegrationInput = z.object({
  platform: z.enum(integrationPlatform.enumValues),
  founderId: z.uuid('must be an id').nullish(),
  scopes: z.array(z.string().trim().min(1).max(200)).max(100).nullish(),
  credentials: z.record(z.string(), z.unknown()).refine((c) => Object.keys(c).length > 0, 'must not be empty'),
});

/**
 * Connects a platform, or replaces the credentials of the existing connection for the same
 * founder and platform. Credentials are sealed with AES-256-GCM before they leave the process.
 */
export async function connectIntegration(request: RequestSession, box: SecretBox, rawInput: unknown) {
  const input = parseInput(connectIntegrationInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const sealed = box.seal(input.credentials);
    const [row] = await session.db
      .insert(integrations)
      .values({
        workspaceId: session.identity.workspaceId!,
        founderId: input.founderId ?? null,
        platform: input.platform,
        status: 'connected',
        scopes: input.scopes ?? [],
        credentialsEnc: sealed,
        credentialsKeyVersion: box.version,
        createdBy: session.memberId,
      })
      .onConflictDoUpdate({
        target: [integrations.workspaceId, integrations.founderId, integrations.platform],
        set: { status: 'connected', scopes: input.scopes ?? [], credentialsEnc: sealed, credentialsKeyVersion: box.version, errorMessage: null },
      })
      .returning();
    await appendEvent(session, { type: 'core.integration.connected', entityId: row!.id, payload: { platform: input.platform } });
    return row!;
  });
}

export async function disconnectIntegration(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db
      .update(integrations)
      .set({ status: 'revoked', credentialsEnc: null, credentialsKeyVersion: null, scopes: sql`'{}'::text[]` })
      .where(eq(integrations.id, id))
      .returning();
    if (!row) return refuseWrite(session, integrations, 'Integration', id);
    await appendEvent(session, { type: 'core.integration.disconnected', entityId: id, payload: { platform: row.platform } });
    return row;
  });
}
