import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgPolicy, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { appRole, policyPredicates, servicePolicy } from '@chief/db';
import { ops } from './events.ts';

const { inWorkspace, isCaller } = policyPredicates;

/**
 * Idempotency keys of mutations (the Idempotency-Key header), per workspace and caller: the
 * fingerprint of the request that first used the key, and the response each subgraph gave to its
 * part of it, written in the same transaction as the mutation itself, so a retry after a lost
 * answer is answered from here and writes nothing. Kept until `expires_at`.
 */
export const idempotencyKeys = ops.table(
  'idempotency_keys',
  {
    workspaceId: uuid('workspace_id').notNull(),
    /** The caller, as events name it: `user` and the subject, or `api_key` and the key's id. */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of the client's request (document, operation name, variables), set by the gateway. */
    requestFingerprint: text('request_fingerprint').notNull(),
    /** Each subgraph fetch's response, by a hash of that fetch. */
    responses: jsonb('responses').notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
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
        ...(command === 'insert' ? {} : { using: sql`${inWorkspace(t.workspaceId)} and ${isCaller(t.actorType, t.actorId)}` }),
        ...(command === 'select' || command === 'delete' ? {} : { withCheck: sql`${inWorkspace(t.workspaceId)} and ${isCaller(t.actorType, t.actorId)}` }),
      }),
    ),
    servicePolicy('idempotency_keys', t.workspaceId),
  ],
);
