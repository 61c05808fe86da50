-- Hand-written: privileges, tenant-consistent foreign keys, and the triggers that keep
-- updated_at, the last owner and the append-only log. Every statement is idempotent.
GRANT USAGE ON SCHEMA core, work, ops TO chief_app, chief_service;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA core, work TO chief_app, chief_service;
--> statement-breakpoint
-- The event log takes appends only: no UPDATE or DELETE grant, and a trigger below for owners.
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA ops TO chief_app, chief_service;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ops TO chief_app, chief_service;
--> statement-breakpoint
-- A row may only point at rows of its own workspace: references between tenant tables carry
-- workspace_id. Optional references clear only their own column when the target goes.
DO $$
DECLARE
  fk record;
BEGIN
  FOR fk IN SELECT * FROM (VALUES
    ('core', 'contacts', 'fk_contacts_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'),
    ('core', 'contacts', 'fk_contacts_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('core', 'deals', 'fk_deals_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'),
    ('core', 'deals', 'fk_deals_contact', 'contact_id', 'core.contacts', 'SET NULL (contact_id)'),
    ('core', 'deals', 'fk_deals_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('core', 'integrations', 'fk_integrations_founder', 'founder_id', 'core.founders', 'CASCADE'),
    ('core', 'integrations', 'fk_integrations_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('core', 'api_keys', 'fk_api_keys_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('work', 'tasks', 'fk_tasks_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'),
    ('work', 'tasks', 'fk_tasks_assignee', 'assignee_member_id', 'core.members', 'SET NULL (assignee_member_id)'),
    ('work', 'tasks', 'fk_tasks_contact', 'contact_id', 'core.contacts', 'SET NULL (contact_id)'),
    ('work', 'tasks', 'fk_tasks_deal', 'deal_id', 'core.deals', 'SET NULL (deal_id)'),
    ('work', 'tasks', 'fk_tasks_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'),
    ('work', 'tasks', 'fk_tasks_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'),
    ('work', 'task_links', 'fk_task_links_created_by', 'created_by', 'core.members', 'SET NULL (created_by)')
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
CREATE OR REPLACE FUNCTION core.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
--> statement-breakpoint
-- Gives every Chief table that has the column `on_column` the row trigger `named`, fired BEFORE
-- `fires_on` and calling `calls`. Later migrations call it again for the tables they add.
CREATE OR REPLACE PROCEDURE core.attach_column_triggers(on_column text, named text, fires_on text, calls text) LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT c.table_schema, c.table_name FROM information_schema.columns c
           JOIN information_schema.tables tb USING (table_schema, table_name)
           WHERE c.column_name = on_column AND tb.table_type = 'BASE TABLE'
             AND c.table_schema IN ('core', 'comms', 'meetings', 'media', 'work', 'intel', 'ops', 'flows')
  LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I.%I', named, t.table_schema, t.table_name);
    EXECUTE format('CREATE TRIGGER %I BEFORE %s ON %I.%I FOR EACH ROW EXECUTE FUNCTION %s()', named, fires_on, t.table_schema, t.table_name, calls);
  END LOOP;
END $$;
--> statement-breakpoint
CALL core.attach_column_triggers('updated_at', 'set_updated_at', 'UPDATE', 'core.set_updated_at');
--> statement-breakpoint
-- A workspace always keeps an owner. The workspace row is locked first so two concurrent
-- removals cannot each see the other owner and leave none. Raised as SQLSTATE CH409 (conflict).
CREATE OR REPLACE FUNCTION core.keep_last_owner() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF OLD.role <> 'owner' OR (TG_OP = 'UPDATE' AND NEW.role = 'owner' AND NEW.workspace_id = OLD.workspace_id) THEN
    RETURN NULL;
  END IF;
  -- When the workspace itself is being deleted, its members go with it.
  PERFORM 1 FROM core.workspaces w WHERE w.id = OLD.workspace_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM core.members m WHERE m.workspace_id = OLD.workspace_id AND m.role = 'owner') THEN
    RAISE EXCEPTION 'a workspace must keep at least one owner' USING ERRCODE = 'CH409';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS keep_last_owner ON core.members;
--> statement-breakpoint
CREATE TRIGGER keep_last_owner AFTER UPDATE OR DELETE ON core.members FOR EACH ROW EXECUTE FUNCTION core.keep_last_owner();
--> statement-breakpoint
-- The event log is append-only for everyone, table owners included.
CREATE OR REPLACE FUNCTION ops.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % is not allowed', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['events', 'event_actors', 'event_links'] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS refuse_change ON ops.%I', t);
    EXECUTE format('CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON ops.%I FOR EACH ROW EXECUTE FUNCTION ops.refuse_change()', t);
    EXECUTE format('DROP TRIGGER IF EXISTS refuse_truncate ON ops.%I', t);
    EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON ops.%I FOR EACH STATEMENT EXECUTE FUNCTION ops.refuse_change()', t);
  END LOOP;
END $$;
