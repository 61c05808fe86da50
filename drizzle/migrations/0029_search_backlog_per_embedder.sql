-- Hand-written: the embedding worker's backlog is what waits for its own embedder. Idempotent.
--
-- A row waits for embedder E when it has no vector and no error, or a vector another embedder made
-- (a deployment changing embedders: its rows are made again, while search by E leaves the others'
-- out). Which tables and workspaces have such rows, no counts: the sweep asks every second, and
-- the indexes (ix_*_embedding_pending, ix_*_embedding_model, whose range "another embedder" is
-- empty in steady state) answer it without reading the rows. Only the service role may call it.
CREATE OR REPLACE FUNCTION core.search_backlog(embedder text) RETURNS TABLE (source text, workspace_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    select 'contacts', workspace_id from core.contacts where embedding is null and embedding_error is null
    union
    select 'contacts', workspace_id from core.contacts where embedding is not null and (embedding_model < embedder or embedding_model > embedder)
    union
    select 'communications', workspace_id from comms.communications where embedding is null and embedding_error is null
    union
    select 'communications', workspace_id from comms.communications where embedding is not null and (embedding_model < embedder or embedding_model > embedder)
    union
    select 'transcript_chunks', workspace_id from meetings.transcript_chunks where embedding is null and embedding_error is null
    union
    select 'transcript_chunks', workspace_id from meetings.transcript_chunks where embedding is not null and (embedding_model < embedder or embedding_model > embedder)
    union
    select 'media_chunks', workspace_id from media.media_chunks where embedding is null and embedding_error is null
    union
    select 'media_chunks', workspace_id from media.media_chunks where embedding is not null and (embedding_model < embedder or embedding_model > embedder)
    union
    select 'insights', workspace_id from intel.insights where embedding is null and embedding_error is null
    union
    select 'insights', workspace_id from intel.insights where embedding is not null and (embedding_model < embedder or embedding_model > embedder)
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION core.search_backlog(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION core.search_backlog(text) TO chief_service;
--> statement-breakpoint
-- Replaced: the backlog without an embedder, and the forgetting of other embedders' vectors at a
-- worker's start (callable for every workspace at once, and too late for a replica that keeps
-- running with the old embedder).
DROP FUNCTION IF EXISTS core.search_backlog();
--> statement-breakpoint
DROP FUNCTION IF EXISTS core.search_forget_other_embedders(text, uuid[]);
