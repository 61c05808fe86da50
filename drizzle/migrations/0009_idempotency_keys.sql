CREATE TABLE "ops"."idempotency_keys" (
	"workspace_id" uuid NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"key" text NOT NULL,
	"request_fingerprint" text NOT NULL,
	"responses" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pk_idempotency_keys" PRIMARY KEY("workspace_id","actor_type","actor_id","key"),
	CONSTRAINT "ck_idempotency_keys_key" CHECK ("ops"."idempotency_keys"."key" ~ '^[!-~]{1,255}$')
);
--> statement-breakpoint
ALTER TABLE "ops"."idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "ix_idempotency_keys_workspace_expires" ON "ops"."idempotency_keys" USING btree ("workspace_id","expires_at");--> statement-breakpoint
CREATE POLICY "idempotency_keys_select" ON "ops"."idempotency_keys" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("ops"."idempotency_keys"."workspace_id" = coalesce((select auth.workspace_id()), '00000000-0000-0000-0000-000000000000'::uuid) and case when (select auth.api_key_id()) is not null
  then "ops"."idempotency_keys"."actor_type" = 'api_key' and "ops"."idempotency_keys"."actor_id" = (select auth.api_key_id())::text
  else "ops"."idempotency_keys"."actor_type" = 'user' and "ops"."idempotency_keys"."actor_id" = (select auth.user_id()) end);--> statement-breakpoint
CREATE POLICY "idempotency_keys_insert" ON "ops"."idempotency_keys" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("ops"."idempotency_keys"."workspace_id" = coalesce((select auth.workspace_id()), '00000000-0000-0000-0000-000000000000'::uuid) and case when (select auth.api_key_id()) is not null
  then "ops"."idempotency_keys"."actor_type" = 'api_key' and "ops"."idempotency_keys"."actor_id" = (select auth.api_key_id())::text
  else "ops"."idempotency_keys"."actor_type" = 'user' and "ops"."idempotency_keys"."actor_id" = (select auth.user_id()) end);--> statement-breakpoint
CREATE POLICY "idempotency_keys_update" ON "ops"."idempotency_keys" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("ops"."idempotency_keys"."workspace_id" = coalesce((select auth.workspace_id()), '00000000-0000-0000-0000-000000000000'::uuid) and case when (select auth.api_key_id()) is not null
  then "ops"."idempotency_keys"."actor_type" = 'api_key' and "ops"."idempotency_keys"."actor_id" = (select auth.api_key_id())::text
  else "ops"."idempotency_keys"."actor_type" = 'user' and "ops"."idempotency_keys"."actor_id" = (select auth.user_id()) end) WITH CHECK ("ops"."idempotency_keys"."workspace_id" = coalesce((select auth.workspace_id()), '00000000-0000-0000-0000-000000000000'::uuid) and case when (select auth.api_key_id()) is not null
  then "ops"."idempotency_keys"."actor_type" = 'api_key' and "ops"."idempotency_keys"."actor_id" = (select auth.api_key_id())::text
  else "ops"."idempotency_keys"."actor_type" = 'user' and "ops"."idempotency_keys"."actor_id" = (select auth.user_id()) end);--> statement-breakpoint
CREATE POLICY "idempotency_keys_delete" ON "ops"."idempotency_keys" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("ops"."idempotency_keys"."workspace_id" = coalesce((select auth.workspace_id()), '00000000-0000-0000-0000-000000000000'::uuid) and case when (select auth.api_key_id()) is not null
  then "ops"."idempotency_keys"."actor_type" = 'api_key' and "ops"."idempotency_keys"."actor_id" = (select auth.api_key_id())::text
  else "ops"."idempotency_keys"."actor_type" = 'user' and "ops"."idempotency_keys"."actor_id" = (select auth.user_id()) end);--> statement-breakpoint
CREATE POLICY "idempotency_keys_service" ON "ops"."idempotency_keys" AS PERMISSIVE FOR ALL TO "chief_service" USING ("ops"."idempotency_keys"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("ops"."idempotency_keys"."workspace_id" = (select auth.workspace_id()));