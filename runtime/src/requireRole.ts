import { forbidden } from './errors.ts';
import type { MemberRole, Session } from './createRequestSession.ts';

const rank: Record<MemberRole, number> = { viewer: 0, member: 1, service: 1, admin: 2, owner: 3 };

/** Whether the caller holds at least `least` (a person's role; API keys hold member at most, background services member). */
export function hasRole(session: Session, least: 'member' | 'admin' | 'owner'): boolean {
  return session.role !== null && rank[session.role] >= rank[least];
}

/**
 * Refuses early, with a clear FORBIDDEN, what row-level security would refuse anyway: it gives
 * the client a reason instead of an empty result. API keys hold the role the database gives them
 * (member with the write scope), so they never reach admin work. Background services pass at
 * the member level.
 */
export function requireRole(session: Session, least: 'member' | 'admin' | 'owner'): void {
  const { identity, role } = session;
  if (!identity.scopes.includes('write')) throw forbidden('This credential is read-only');
  if (identity.kind === 'service') {
    if (least === 'member') return;
    throw forbidden(`This needs the ${least} role`);
  }
  if (!role) throw forbidden('Choose a workspace you belong to (x-chief-workspace header or token claim)');
  if (rank[role] >= rank[least]) return;
  throw forbidden(identity.kind === 'apiKey' ? `API keys cannot do this; it needs the ${least} role` : `This needs the ${least} role; you are ${role}`);
}
