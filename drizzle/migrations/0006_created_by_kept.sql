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
CALL core.attach_column_triggers('created_by', 'keep_created_by', 'UPDATE OF created_by', 'core.keep_created_by');
