-- Hand-written: what full-text search and the embedding worker need beyond the tables. Idempotent.
--
-- The words of a list (contact tags, an insight's recommendations) as one text, for the generated
-- search_terms columns, which accept only IMMUTABLE functions (array_to_string is only STABLE).
CREATE OR REPLACE FUNCTION core.search_words(words text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ select pg_catalog.array_to_string(words, ' ') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION core.search_words(words jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    select pg_catalog.string_agg(w, ' ') from pg_catalog.jsonb_array_elements_text(case when pg_catalog.jsonb_typeof(words) = 'array' then words else '[]'::jsonb end) as w
  $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION core.search_words(text[]), core.search_words(jsonb) TO chief_app, chief_service;
--> statement-breakpoint
-- The embedding worker's backlog: how many rows of each searchable table wait for a vector, by
-- workspace. The service role works on one workspace at a time and cannot see the others, so the
-- sweep that finds them is this function (counts only, no row), and only that role may call it.
CREATE OR REPLACE FUNCTION core.search_backlog() RETURNS TABLE (source text, workspace_id uuid, pending bigint)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    select 'contacts', workspace_id, count(*) from core.contacts where embedding is null and embedding_error is null group by workspace_id
    union all
    select 'communications', workspace_id, count(*) from comms.communications where embedding is null and embedding_error is null group by workspace_id
    union all
    select 'transcript_chunks', workspace_id, count(*) from meetings.transcript_chunks where embedding is null and embedding_error is null group by workspace_id
    union all
    select 'media_chunks', workspace_id, count(*) from media.media_chunks where embedding is null and embedding_error is null group by workspace_id
    union all
    select 'insights', workspace_id, count(*) from intel.insights where embedding is null and embedding_error is null group by workspace_id
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION core.search_backlog() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION core.search_backlog() TO chief_service;
--> statement-breakpoint
-- Vectors of another embedder than `embedder` cannot be compared with its own: they go back to the
-- backlog (and their errors with them, which may not recur), in every workspace or in `workspaces`.
-- The worker calls it when it starts.
CREATE OR REPLACE FUNCTION core.search_forget_other_embedders(embedder text, workspaces uuid[] DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t text;
  n bigint;
  total bigint := 0;
BEGIN
  FOREACH t IN ARRAY ARRAY['core.contacts', 'comms.communications', 'meetings.transcript_chunks', 'media.media_chunks', 'intel.insights'] LOOP
    EXECUTE format('UPDATE %s SET embedding = NULL, embedding_model = NULL, embedded_at = NULL, embedding_error = NULL
                    WHERE embedding_model IS DISTINCT FROM $1 AND (embedding IS NOT NULL OR embedding_error IS NOT NULL)
                      AND ($2 IS NULL OR workspace_id = ANY ($2))', t) USING embedder, workspaces;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
  END LOOP;
  RETURN total;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION core.search_forget_other_embedders(text, uuid[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION core.search_forget_other_embedders(text, uuid[]) TO chief_service;
