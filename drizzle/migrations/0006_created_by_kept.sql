-- Hand-written: who created a row is history, not an editable field. Insert policies make
-- created_by the caller; this keeps it so: an UPDATE may not change it, and may clear it only once
-- that member is gone, which is what the foreign key's ON DELETE SET NULL does. SECURITY DEFINER so
-- the check sees members whatever the caller may read. Idempotent.
CREATE OR REPLACE FUNCTION core.keep_created_by() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.created_by IS DISTINCT FROM OLD.created_by
     AND (NEW.created_by IS NOT NULL OR EXISTS (SELECT 1 FROM core.members m WHERE m.id = OLD.created_by)) THEN
    RAISE EXCEPTION '%.created_by records who created the row and cannot be changed', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
-- Later migrations call this again for the tables they add.
CREATE OR REPLACE PROCEDURE core.attach_created_by_guards() LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT c.table_schema, c.table_name FROM information_schema.columns c
           JOIN information_schema.tables tb USING (table_schema, table_name)
           WHERE c.column_name = 'created_by' AND tb.table_type = 'BASE TABLE'
             AND c.table_schema IN ('core', 'comms', 'meetings', 'media', 'work', 'intel', 'ops', 'flows')
  LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS keep_created_by ON %I.%I', t.table_schema, t.table_name);
    EXECUTE format('CREATE TRIGGER keep_created_by BEFORE UPDATE OF created_by ON %I.%I FOR EACH ROW EXECUTE FUNCTION core.keep_created_by()',
      t.table_schema, t.table_name);
  END LOOP;
END $$;
--> statement-breakpoint
CALL core.attach_created_by_guards();
