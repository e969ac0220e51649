ALTER TABLE "totp_credentials" DROP CONSTRAINT "totp_credentials_user_id_unique";--> statement-breakpoint
ALTER TABLE "totp_credentials" ADD COLUMN "name" text DEFAULT 'Authenticator app' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "second_factor_required_since" bigint;--> statement-breakpoint
CREATE INDEX "totp_credentials_user_idx" ON "totp_credentials" USING btree ("user_id");