-- Generated, then given a guard: from now on a task has at most one link per tracker. Links that
-- already break that are not deleted behind the operator's back: the migration stops and says so.
DO $$
DECLARE
  tasks int;
BEGIN
  SELECT count(*) INTO tasks FROM (SELECT 1 FROM work.task_links GROUP BY workspace_id, task_id, platform HAVING count(*) > 1) d;
  IF tasks > 0 THEN
    RAISE EXCEPTION '% task(s) have several links to the same tracker in work.task_links; keep one per task and tracker, then migrate again', tasks;
  END IF;
END $$;
--> statement-breakpoint
DROP INDEX "work"."ix_task_links_workspace_task";--> statement-breakpoint
CREATE UNIQUE INDEX "uq_task_links_workspace_task_platform" ON "work"."task_links" USING btree ("workspace_id","task_id","platform");
