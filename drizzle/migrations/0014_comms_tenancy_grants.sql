-- Hand-written: privileges, tenant-consistent foreign keys and the shared triggers for the comms
-- schema and core's contact graph and sync jobs, as 0002 did for the first tables. Idempotent.
GRANT USAGE ON SCHEMA comms TO chief_app, chief_service;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA core, comms TO chief_app, chief_service;
--> statement-breakpoint
DO $$
DECLARE
  fk record;
BEGIN
  FOR fk IN SELECT * FROM (VALUES
    ('core', 'contact_relationships', 'fk_contact_relationships_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'),
    ('core', 'contact_relationships', 'fk_contact_relationships_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('core', 'contact_interests', 'fk_contact_interests_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'),
    ('core', 'contact_interests', 'fk_contact_interests_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('core', 'sync_jobs', 'fk_sync_jobs_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'),
    ('core', 'sync_jobs', 'fk_sync_jobs_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('comms', 'threads', 'fk_threads_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'),
    ('comms', 'threads', 'fk_threads_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'),
    ('comms', 'threads', 'fk_threads_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('comms', 'communications', 'fk_communications_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'),
    ('comms', 'communications', 'fk_communications_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'),
    ('comms', 'communications', 'fk_communications_sender_contact', 'sender_contact_id', 'core.contacts', 'SET NULL (sender_contact_id)'),
    ('comms', 'communications', 'fk_communications_sender_member', 'sender_member_id', 'core.members', 'SET NULL (sender_member_id)'),
    ('comms', 'communications', 'fk_communications_created_by', 'created_by', 'core.members', 'SET NULL (created_by)')
  ) AS t(schema_name, table_name, constraint_name, column_name, target, on_delete)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = fk.constraint_name) THEN
      IF fk.column_name = 'workspace_id' THEN
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I FOREIGN KEY (workspace_id) REFERENCES %s (id) ON DELETE %s',
          fk.schema_name, fk.table_name, fk.constraint_name, fk.target, fk.on_delete);
      ELSE
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I FOREIGN KEY (workspace_id, %I) REFERENCES %s (workspace_id, id) ON DELETE %s',
          fk.schema_name, fk.table_name, fk.constraint_name, fk.column_name, fk.target, fk.on_delete);
      END IF;
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
-- drizzle-kit writes the thread reference's ON DELETE SET NULL for both of its columns, which
-- would clear workspace_id too: it clears only thread_id, like every other tenant reference.
ALTER TABLE comms.communications DROP CONSTRAINT IF EXISTS fk_communications_thread;
--> statement-breakpoint
ALTER TABLE comms.communications ADD CONSTRAINT fk_communications_thread FOREIGN KEY (workspace_id, thread_id)
  REFERENCES comms.threads (workspace_id, id) ON DELETE SET NULL (thread_id);
--> statement-breakpoint
CALL core.attach_column_triggers('updated_at', 'set_updated_at', 'UPDATE', 'core.set_updated_at');
--> statement-breakpoint
CALL core.attach_column_triggers('created_by', 'keep_created_by', 'UPDATE OF created_by', 'core.keep_created_by');
--> statement-breakpoint
-- contact_ids is an array (one GIN index serves Contact.communications) and cannot carry a foreign
-- key: a deleted contact leaves the arrays here, as ON DELETE SET NULL would. As the owner, since
-- the member deleting a contact may not own every communication that names it.
CREATE OR REPLACE FUNCTION comms.forget_contact() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE comms.communications c SET contact_ids = array_remove(c.contact_ids, OLD.id)
   WHERE c.workspace_id = OLD.workspace_id AND c.contact_ids @> ARRAY[OLD.id];
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS forget_contact ON core.contacts;
--> statement-breakpoint
CREATE TRIGGER forget_contact AFTER DELETE ON core.contacts FOR EACH ROW EXECUTE FUNCTION comms.forget_contact();
--> statement-breakpoint
-- core's database API for the ingesting domains (after 0013, which adds contacts.handles).
-- Who each lookup key is in the workspace in scope: a lowercased email address matches a
-- contact's or a member's email, a `platform:handle` a contact's handles. Runs as the caller:
-- row-level security keeps it to what the caller can see. The oldest match wins.
CREATE OR REPLACE FUNCTION core.match_participants(keys text[]) RETURNS TABLE (key text, contact_id uuid, member_id uuid)
  LANGUAGE sql STABLE AS $$
  SELECT k.key,
         (SELECT c.id FROM core.contacts c
           WHERE c.workspace_id = auth.workspace_id() AND NOT c.is_archived
             AND (lower(c.email) = k.key OR c.handles @> ARRAY[k.key])
           ORDER BY c.created_at, c.id LIMIT 1),
         (SELECT m.id FROM core.members m
           WHERE m.workspace_id = auth.workspace_id() AND lower(m.email) = k.key
           ORDER BY m.created_at, m.id LIMIT 1)
    FROM unnest(keys) AS k(key)
$$;
