-- Hand-written: the search index's columns follow their row's text. Idempotent.
--
-- A change of the text a row is searched by clears its vector (and its embedder, time and error):
-- a vector is never found for text the row no longer has, and the row waits to be embedded again.
-- The columns that make the text are the trigger's arguments; it fires only when one is written.
CREATE OR REPLACE FUNCTION core.mark_embedding_stale() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD);
  new_row jsonb := to_jsonb(NEW);
  col text;
BEGIN
  FOREACH col IN ARRAY TG_ARGV LOOP
    IF new_row -> col IS DISTINCT FROM old_row -> col THEN
      NEW.embedding := NULL;
      NEW.embedding_model := NULL;
      NEW.embedded_at := NULL;
      NEW.embedding_error := NULL;
      RETURN NEW;
    END IF;
  END LOOP;
  RETURN NEW;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  t text[];
BEGIN
  FOREACH t SLICE 1 IN ARRAY ARRAY[
    ['core', 'contacts', 'full_name, company, job_title, location, bio, notes, tags', '''full_name'', ''company'', ''job_title'', ''location'', ''bio'', ''notes'', ''tags'''],
    ['comms', 'communications', 'subject, content', '''subject'', ''content'''],
    ['meetings', 'transcript_chunks', 'text, speaker', '''text'', ''speaker'''],
    ['media', 'media_chunks', 'text, speaker', '''text'', ''speaker'''],
    ['intel', 'insights', 'title, content', '''title'', ''content''']
  ] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS mark_embedding_stale ON %I.%I', t[1], t[2]);
    EXECUTE format('CREATE TRIGGER mark_embedding_stale BEFORE UPDATE OF %s ON %I.%I FOR EACH ROW EXECUTE FUNCTION core.mark_embedding_stale(%s)', t[3], t[1], t[2], t[4]);
  END LOOP;
END $$;
--> statement-breakpoint
-- updated_at tells when a row's content last changed: writing only the search index's columns
-- (the embedding worker) leaves it as it was. Every other update sets it, as before.
CREATE OR REPLACE FUNCTION core.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  index_columns constant text[] := ARRAY['embedding', 'embedding_model', 'embedded_at', 'embedding_error', 'updated_at'];
BEGIN
  IF TG_TABLE_NAME IN ('contacts', 'communications', 'insights')
     AND to_jsonb(NEW) - index_columns = to_jsonb(OLD) - index_columns THEN
    NEW.updated_at := OLD.updated_at;
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
