ALTER TYPE "flows"."usage_outcome" ADD VALUE 'authorized';--> statement-breakpoint
ALTER TABLE "flows"."budgets" DROP CONSTRAINT "ck_budgets_limit";--> statement-breakpoint
ALTER TABLE "flows"."budgets" DROP CONSTRAINT "ck_budgets_workflow_limit";--> statement-breakpoint
-- Edited by hand: the nodes already there are numbered in the order they were added (by the
-- time, then the key) before the column counts on by itself.
ALTER TABLE "flows"."workflow_nodes" ADD COLUMN "seq" bigint;--> statement-breakpoint
UPDATE "flows"."workflow_nodes" n SET "seq" = o.rn FROM (SELECT id, row_number() OVER (ORDER BY created_at, node_key) AS rn FROM "flows"."workflow_nodes") o WHERE o.id = n.id;--> statement-breakpoint
ALTER TABLE "flows"."workflow_nodes" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "flows"."workflow_nodes" ALTER COLUMN "seq" ADD GENERATED ALWAYS AS IDENTITY (sequence name "flows"."workflow_nodes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
SELECT setval('"flows"."workflow_nodes_seq_seq"', coalesce((SELECT max("seq") FROM "flows"."workflow_nodes"), 0) + 1, false);--> statement-breakpoint
ALTER TABLE "flows"."token_usage" ADD COLUMN "authorization_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_token_usage_authorization" ON "flows"."token_usage" USING btree ("authorization_id") WHERE "flows"."token_usage"."authorization_id" is not null;--> statement-breakpoint
ALTER TABLE "flows"."token_usage" ADD CONSTRAINT "uq_token_usage_workspace_id" UNIQUE("workspace_id","id");--> statement-breakpoint
ALTER TABLE "flows"."token_usage" ADD CONSTRAINT "ck_token_usage_authorization" CHECK ("flows"."token_usage"."authorization_id" is null or "flows"."token_usage"."outcome" = 'recorded');--> statement-breakpoint
ALTER TABLE "flows"."budgets" ADD CONSTRAINT "ck_budgets_limit_usd" CHECK (("flows"."budgets"."limit_usd" is null or "flows"."budgets"."limit_usd" > 0) and ("flows"."budgets"."workflow_id" is null or "flows"."budgets"."limit_usd" is not null));--> statement-breakpoint
ALTER TABLE "flows"."budgets" ADD CONSTRAINT "ck_budgets_workflow_limit_usd" CHECK ("flows"."budgets"."workflow_limit_usd" is null or ("flows"."budgets"."workflow_limit_usd" > 0 and "flows"."budgets"."workflow_id" is null));