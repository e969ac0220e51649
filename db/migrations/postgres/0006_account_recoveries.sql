CREATE TABLE "account_recoveries" (
	"user_id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"status" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"started_at" bigint,
	"finishable_at" bigint,
	"reminder_due_at" bigint,
	"reminder_sent_at" bigint,
	CONSTRAINT "account_recoveries_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "account_recoveries" ADD CONSTRAINT "account_recoveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_recoveries_expires_idx" ON "account_recoveries" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "account_recoveries_reminder_idx" ON "account_recoveries" USING btree ("reminder_due_at");