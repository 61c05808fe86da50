import { createHash } from 'node:crypto';
import stableStringify from 'fast-json-stable-stringify';
import type { FormattedExecutionResult } from 'graphql';
import type { Session } from './createRequestSession.ts';
import { callerActor } from './identity.ts';

/** The header a client names a mutation's idempotency key with, passed on by the gateway. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** The gateway's fingerprint of the whole client request, sent to subgraphs beside the key. */
export const REQUEST_FINGERPRINT_HEADER = 'x-chief-request-fingerprint';
/** How long a key is kept: a retry within this time is answered from the first response. */
const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** Printable ASCII without spaces, at most 255 characters (the database checks the same). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Where the keys of a caller with no workspace in scope are kept (the row-level security policies say the same). */
const NO_WORKSPACE = '00000000-0000-0000-0000-000000000000';

/** A mutation request that carries an idempotency key. */
export interface IdempotentRequest {
  key: string;
  fingerprint: string;
}

/** SHA-256 of a request's parts, with object keys in a fixed order so equal requests agree. */
export const fingerprintOf = (parts: unknown) => createHash('sha256').update(stableStringify(parts)).digest('hex');

/** What a claimed key tells a subgraph to do with its part of the request. */
export type IdempotencyClaim =
  | { kind: 'run' }
  | { kind: 'replay'; response: FormattedExecutionResult }
  | { kind: 'reused' };

/**
 * Claims `request.key` for the caller inside the mutation's own transaction, and locks it until
 * that transaction ends, so a concurrent retry waits and then replays. `part` names this
 * subgraph's part of the request: a key spans every subgraph a mutation reaches, each keeping
 * its own response. A key past its lifetime is claimed afresh; the caller's other expired keys
 * are swept on the way. Outside any workspace (a caller creating their first) keys are kept
 * under NO_WORKSPACE.
 */
export async function claimIdempotencyKey(session: Session, request: IdempotentRequest, part: string): Promise<IdempotencyClaim> {
  const { actorType, actorId } = callerActor(session.identity);
  const [inserted] = await session.sql`
    with swept as (
      delete from ops.idempotency_keys
       where workspace_id = coalesce(auth.workspace_id(), ${NO_WORKSPACE}::uuid) and actor_type = ${actorType} and actor_id = ${actorId}
         and expires_at <= now() and key <> ${request.key}
    )
    insert into ops.idempotency_keys as k (workspace_id, actor_type, actor_id, key, request_fingerprint, expires_at)
    values (coalesce(auth.workspace_id(), ${NO_WORKSPACE}::uuid), ${actorType}, ${actorId}, ${request.key}, ${request.fingerprint}, now() + make_interval(hours => ${IDEMPOTENCY_KEY_TTL_HOURS}))
    on conflict (workspace_id, actor_type, actor_id, key) do update
      set request_fingerprint = excluded.request_fingerprint, responses = '{}'::jsonb, created_at = now(), expires_at = excluded.expires_at
      where k.expires_at <= now()
    returning 1 as claimed`;
  if (inserted) return { kind: 'run' };
  const [row] = await session.sql<{ request_fingerprint: string; response: FormattedExecutionResult | null }[]>`
    select request_fingerprint, responses -> ${part} as response from ops.idempotency_keys
     where workspace_id = coalesce(auth.workspace_id(), ${NO_WORKSPACE}::uuid) and actor_type = ${actorType} and actor_id = ${actorId} and key = ${request.key}
       for update`;
  if (!row) return { kind: 'run' };
  if (row.request_fingerprint !== request.fingerprint) return { kind: 'reused' };
  return row.response ? { kind: 'replay', response: row.response } : { kind: 'run' };
}

/**
 * Keeps this subgraph's response under the claimed key, in the mutation's transaction, when any
 * of its mutations went through. When none did, nothing was written, so there is nothing to
 * protect: a key that holds no response yet is given back, and a retry runs again.
 */
export async function recordIdempotentResponse(session: Session, request: IdempotentRequest, part: string, response: FormattedExecutionResult): Promise<void> {
  const { actorType, actorId } = callerActor(session.identity);
  const wrote = Object.values(response.data ?? {}).some((value) => value !== null);
  if (wrote) {
    await session.sql`
      update ops.idempotency_keys set responses = responses || jsonb_build_object(${part}::text, ${JSON.stringify(response)}::jsonb)
       where workspace_id = coalesce(auth.workspace_id(), ${NO_WORKSPACE}::uuid) and actor_type = ${actorType} and actor_id = ${actorId} and key = ${request.key}`;
  } else {
    await session.sql`
      delete from ops.idempotency_keys
       where workspace_id = coalesce(auth.workspace_id(), ${NO_WORKSPACE}::uuid) and actor_type = ${actorType} and actor_id = ${actorId} and key = ${request.key}
         and responses = '{}'::jsonb`;
  }
}
