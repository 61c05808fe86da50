-- Hand-written: partner API keys authenticate at the gateway, which asks core; core calls this with the SHA-256
-- of the presented key. Finding a key by its hash crosses workspaces, so the function is SECURITY
-- DEFINER and answers only for one exact, live (not revoked, not expired) key. Last use is
-- recorded at most once a minute per key, so a busy key does not turn every read into a write.
CREATE OR REPLACE FUNCTION auth.authenticate_api_key(presented_hash text)
  RETURNS TABLE (key_id uuid, key_workspace_id uuid, key_scopes text[])
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY
    UPDATE core.api_keys k SET last_used_at = now()
     WHERE k.key_hash = presented_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
       AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute')
    RETURNING k.id, k.workspace_id, k.scopes;
  IF NOT FOUND THEN
    RETURN QUERY
      SELECT k.id, k.workspace_id, k.scopes FROM core.api_keys k
       WHERE k.key_hash = presented_hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now());
  END IF;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION auth.authenticate_api_key(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth.authenticate_api_key(text) TO chief_service;
