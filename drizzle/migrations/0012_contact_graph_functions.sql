-- Hand-written: core's database API for the ingesting domains (comms, meetings, media), so they
-- match people and move relationship strength without reading or writing core's tables
-- themselves, and the formula lives in one place. Idempotent.

-- What a relationship strength stored as of `last` has decayed to at `at`: halved every 30 days
-- without interaction (README: the contact graph). The Contact.relationshipStrength field computes
-- the same in TypeScript (decayedStrength); a test holds the two to each other.
CREATE OR REPLACE FUNCTION core.decayed_strength(strength numeric, last timestamptz, at timestamptz) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN last IS NULL OR at <= last THEN strength
              ELSE round(strength * power(0.5::numeric, (extract(epoch FROM at - last) / (30 * 86400))::numeric), 4) END
$$;
--> statement-breakpoint
-- The founders whose user is the caller: a founder's own inbox is theirs to flag and archive. Runs
-- as its owner so policies can ask it whatever the caller may read; it answers only about the caller.
CREATE OR REPLACE FUNCTION auth.caller_founder_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT f.id FROM core.founders f WHERE f.workspace_id = auth.workspace_id() AND f.user_id = auth.user_id()
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION auth.caller_founder_ids() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth.caller_founder_ids() TO chief_app, chief_service;
--> statement-breakpoint
-- Moves contacts' relationship strength and last interaction for interactions at the given
-- instants, in time order, each by `weight` toward 1: s' = d + weight * (1 - d), where d is the
-- strength decayed to the interaction. One older than the last interaction adds its boost decayed
-- to the last one, so the order ingestion sees interactions in does not matter much. Runs as its
-- owner: strength is derived from what was ingested, so a member who may ingest moves it for a
-- contact someone else added; it still touches only the caller's workspace and needs a writer.
CREATE OR REPLACE FUNCTION core.record_interactions(contact_ids uuid[], ats timestamptz[], weight numeric) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r record;
  moved integer := 0;
  w numeric := least(greatest(weight, 0), 1);
BEGIN
  IF auth.workspace_id() IS NULL THEN
    RAISE EXCEPTION 'core.record_interactions needs a workspace in scope' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF current_setting('role') <> 'chief_service' AND coalesce(auth.caller_role(), '') NOT IN ('owner', 'admin', 'member') THEN
    RAISE EXCEPTION 'Your role does not allow recording interactions' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF cardinality(contact_ids) <> cardinality(ats) THEN
    RAISE EXCEPTION 'core.record_interactions: % contacts and % instants', cardinality(contact_ids), cardinality(ats);
  END IF;
  -- By contact, then time: each contact's interactions in time order, and concurrent calls lock
  -- contacts in the same order (no deadlock). No interaction counts as later than now.
  FOR r IN SELECT x.contact_id, least(x.at, now()) AS at FROM unnest(contact_ids, ats) AS x(contact_id, at) ORDER BY x.contact_id, x.at LOOP
    UPDATE core.contacts c SET
      relationship_strength = least(1, round(CASE
        WHEN c.last_interaction_at IS NULL OR r.at >= c.last_interaction_at THEN
          core.decayed_strength(c.relationship_strength, c.last_interaction_at, r.at)
            + w * (1 - core.decayed_strength(c.relationship_strength, c.last_interaction_at, r.at))
        ELSE c.relationship_strength + w * (1 - c.relationship_strength) * core.decayed_strength(1, r.at, c.last_interaction_at)
      END, 2)),
      last_interaction_at = greatest(c.last_interaction_at, r.at)
    WHERE c.id = r.contact_id AND c.workspace_id = auth.workspace_id();
    moved := moved + 1;
  END LOOP;
  RETURN moved;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION core.record_interactions(uuid[], timestamptz[], numeric) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION core.record_interactions(uuid[], timestamptz[], numeric) TO chief_app, chief_service;
