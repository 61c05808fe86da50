-- Hand-written: updated_at tells when a row's content last changed, so writing only the search
-- index's columns leaves it (as 0024 made it). search_terms joins them: it is generated, and a
-- BEFORE trigger sees a generated column as null in NEW, so without it every update counted as a
-- change. Idempotent.
CREATE OR REPLACE FUNCTION core.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  index_columns constant text[] := ARRAY['embedding', 'embedding_model', 'embedded_at', 'embedding_error', 'search_terms', 'updated_at'];
BEGIN
  IF TG_TABLE_NAME IN ('contacts', 'communications', 'insights')
     AND to_jsonb(NEW) - index_columns = to_jsonb(OLD) - index_columns THEN
    NEW.updated_at := OLD.updated_at;
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
