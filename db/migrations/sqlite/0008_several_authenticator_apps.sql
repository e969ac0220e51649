DROP INDEX `totp_credentials_user_id_unique`;--> statement-breakpoint
ALTER TABLE `totp_credentials` ADD `name` text DEFAULT 'Authenticator app' NOT NULL;--> statement-breakpoint
CREATE INDEX `totp_credentials_user_idx` ON `totp_credentials` (`user_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `second_factor_required_since` integer;