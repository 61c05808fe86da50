import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, index, jsonb, pgPolicy, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { appRole, policyPredicates, servicePolicy, timestamps } from '@chief/db';
import { ops } from './events.ts';

const { isCaller } = policyPredicates;
/** The workspace in scope, or the nil UUID when none is: keys made outside a workspace stay outside. */
const inScope = (workspaceId: AnyPgColumn) => sql`${workspaceId} = coalesce((select auth.workspace_id()), '00000000-0000-0000-0000-000000000000'::uuid)`;

/**
 * Idempotency keys of mutations (the Idempotency-Key header), per workspace and caller: the
 * fingerprint of the request that first used the key, and the response each subgraph gave to its
 * part of it, written in the same transaction as the mutation itself, so a retry after a lost
 * answer is answered from here and writes nothing. Kept until `expires_at`. A caller with no
 * workspace in scope (creating their first) keeps keys under the nil UUID.
 */
export const idempotencyKeys = ops.table(
  'idempotency_keys',
  {
    /** The workspace in scope when the key was used; the nil UUID for a caller outside any (createWorkspace). */
    workspaceId: uuid('workspace_id').notNull(),
    /** The caller, as events name it: `user` and the subject, or `api_key` and the key's id. */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of the client's request (document, operation name, variables), set by the gateway. */
    requestFingerprint: text('request_fingerprint').notNull(),
    /** Each subgraph's response to its part of the request, by the subgraph and the response names of its mutations. */
    responses: jsonb('responses').notNull().default(sql`'{}'::jsonb`),
    ...timestamps(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'pk_idempotency_keys', columns: [t.workspaceId, t.actorType, t.actorId, t.key] }),
    index('ix_idempotency_keys_workspace_expires').on(t.workspaceId, t.expiresAt),
    check('ck_idempotency_keys_key', sql`${t.key} ~ '^[!-~]{1,255}$'`),
    // Callers see and keep only their own keys: another member's retry never replays yours.
    ...(['select', 'insert', 'update', 'delete'] as const).map((command) =>
      pgPolicy(`idempotency_keys_${command}`, {
        for: command,
        to: appRole,
        ...(command === 'insert' ? {} : { using: sql`${inScope(t.workspaceId)} and ${isCaller(t.actorType, t.actorId)}` }),
        ...(command === 'select' || command === 'delete' ? {} : { withCheck: sql`${inScope(t.workspaceId)} and ${isCaller(t.actorType, t.actorId)}` }),
      }),
    ),
    servicePolicy('idempotency_keys', t.workspaceId),
  ],
);
