-- Hand-written: unlike the event log beside it, idempotency keys are claimed, completed and, when
-- nothing was written, given back, so Chief's roles may update and delete them (their policies
-- keep each caller to their own keys); and their updated_at is kept like every other table's.
-- Idempotent.
GRANT SELECT, INSERT, UPDATE, DELETE ON ops.idempotency_keys TO chief_app, chief_service;
--> statement-breakpoint
CALL core.attach_column_triggers('updated_at', 'set_updated_at', 'UPDATE', 'core.set_updated_at');
