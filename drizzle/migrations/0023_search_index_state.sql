ALTER TABLE "core"."contacts" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "core"."contacts" ADD COLUMN "embedded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "core"."contacts" ADD COLUMN "embedding_error" text;--> statement-breakpoint
ALTER TABLE "comms"."communications" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "comms"."communications" ADD COLUMN "embedded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "comms"."communications" ADD COLUMN "embedding_error" text;--> statement-breakpoint
ALTER TABLE "meetings"."transcript_chunks" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "meetings"."transcript_chunks" ADD COLUMN "embedded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings"."transcript_chunks" ADD COLUMN "embedding_error" text;--> statement-breakpoint
ALTER TABLE "media"."media_chunks" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "media"."media_chunks" ADD COLUMN "embedded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "media"."media_chunks" ADD COLUMN "embedding_error" text;--> statement-breakpoint
ALTER TABLE "intel"."insights" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "intel"."insights" ADD COLUMN "embedded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "intel"."insights" ADD COLUMN "embedding_error" text;--> statement-breakpoint
CREATE INDEX "ix_contacts_embedding_pending" ON "core"."contacts" USING btree ("workspace_id") WHERE "core"."contacts"."embedding" is null and "core"."contacts"."embedding_error" is null;--> statement-breakpoint
CREATE INDEX "ix_communications_embedding_pending" ON "comms"."communications" USING btree ("workspace_id") WHERE "comms"."communications"."embedding" is null and "comms"."communications"."embedding_error" is null;--> statement-breakpoint
CREATE INDEX "ix_transcript_chunks_embedding_pending" ON "meetings"."transcript_chunks" USING btree ("workspace_id") WHERE "meetings"."transcript_chunks"."embedding" is null and "meetings"."transcript_chunks"."embedding_error" is null;--> statement-breakpoint
CREATE INDEX "ix_media_chunks_embedding_pending" ON "media"."media_chunks" USING btree ("workspace_id") WHERE "media"."media_chunks"."embedding" is null and "media"."media_chunks"."embedding_error" is null;--> statement-breakpoint
CREATE INDEX "ix_insights_embedding_pending" ON "intel"."insights" USING btree ("workspace_id") WHERE "intel"."insights"."embedding" is null and "intel"."insights"."embedding_error" is null;--> statement-breakpoint
ALTER TABLE "core"."contacts" ADD CONSTRAINT "ck_contacts_embedding" CHECK (("core"."contacts"."embedding" is null) = ("core"."contacts"."embedding_model" is null) and ("core"."contacts"."embedding" is null) = ("core"."contacts"."embedded_at" is null)
    and not ("core"."contacts"."embedding" is not null and "core"."contacts"."embedding_error" is not null)
    and ("core"."contacts"."embedding_error" is null or char_length("core"."contacts"."embedding_error") between 1 and 1000));--> statement-breakpoint
ALTER TABLE "comms"."communications" ADD CONSTRAINT "ck_communications_embedding" CHECK (("comms"."communications"."embedding" is null) = ("comms"."communications"."embedding_model" is null) and ("comms"."communications"."embedding" is null) = ("comms"."communications"."embedded_at" is null)
    and not ("comms"."communications"."embedding" is not null and "comms"."communications"."embedding_error" is not null)
    and ("comms"."communications"."embedding_error" is null or char_length("comms"."communications"."embedding_error") between 1 and 1000));--> statement-breakpoint
ALTER TABLE "meetings"."transcript_chunks" ADD CONSTRAINT "ck_transcript_chunks_embedding" CHECK (("meetings"."transcript_chunks"."embedding" is null) = ("meetings"."transcript_chunks"."embedding_model" is null) and ("meetings"."transcript_chunks"."embedding" is null) = ("meetings"."transcript_chunks"."embedded_at" is null)
    and not ("meetings"."transcript_chunks"."embedding" is not null and "meetings"."transcript_chunks"."embedding_error" is not null)
    and ("meetings"."transcript_chunks"."embedding_error" is null or char_length("meetings"."transcript_chunks"."embedding_error") between 1 and 1000));--> statement-breakpoint
ALTER TABLE "media"."media_chunks" ADD CONSTRAINT "ck_media_chunks_embedding" CHECK (("media"."media_chunks"."embedding" is null) = ("media"."media_chunks"."embedding_model" is null) and ("media"."media_chunks"."embedding" is null) = ("media"."media_chunks"."embedded_at" is null)
    and not ("media"."media_chunks"."embedding" is not null and "media"."media_chunks"."embedding_error" is not null)
    and ("media"."media_chunks"."embedding_error" is null or char_length("media"."media_chunks"."embedding_error") between 1 and 1000));--> statement-breakpoint
ALTER TABLE "intel"."insights" ADD CONSTRAINT "ck_insights_embedding" CHECK (("intel"."insights"."embedding" is null) = ("intel"."insights"."embedding_model" is null) and ("intel"."insights"."embedding" is null) = ("intel"."insights"."embedded_at" is null)
    and not ("intel"."insights"."embedding" is not null and "intel"."insights"."embedding_error" is not null)
    and ("intel"."insights"."embedding_error" is null or char_length("intel"."insights"."embedding_error") between 1 and 1000));