CREATE TABLE `webauthn_spent_challenges` (
	`challenge_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webauthn_spent_challenges_expires_idx` ON `webauthn_spent_challenges` (`expires_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`authenticated_at` integer,
	`second_factor_due_since` integer,
	`amr` text NOT NULL,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_sessions`("id", "user_id", "token_hash", "created_at", "last_seen_at", "expires_at", "authenticated_at", "second_factor_due_since", "amr", "ip", "user_agent") SELECT "id", "user_id", "token_hash", "created_at", "last_seen_at", "expires_at", "authenticated_at", "second_factor_due_since", "amr", "ip", "user_agent" FROM `sessions`;--> statement-breakpoint
DROP TABLE `sessions`;--> statement-breakpoint
ALTER TABLE `__new_sessions` RENAME TO `sessions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `sessions_last_seen_idx` ON `sessions` (`last_seen_at`);--> statement-breakpoint
ALTER TABLE `rate_limits` ADD `last_attempt_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `rate_limits_last_attempt_idx` ON `rate_limits` (`last_attempt_at`);--> statement-breakpoint
ALTER TABLE `security_events` ADD `actor` text DEFAULT 'user' NOT NULL;--> statement-breakpoint
ALTER TABLE `security_events` ADD `repeat_count` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `security_events` ADD `last_occurred_at` integer;--> statement-breakpoint
CREATE INDEX `security_events_created_idx` ON `security_events` (`created_at`);--> statement-breakpoint
CREATE INDEX `mail_outbox_sent_idx` ON `mail_outbox` (`sent_at`);--> statement-breakpoint
UPDATE `rate_limits` SET `last_attempt_at` = `window_started_at`;--> statement-breakpoint
DROP TRIGGER `security_events_no_update`;--> statement-breakpoint
DROP TRIGGER `security_events_no_delete`;--> statement-breakpoint
UPDATE `security_events` SET `actor` = 'operator' WHERE `type` LIKE 'admin.%';--> statement-breakpoint
-- The log is evidence: an event is never rewritten. A repeat of the same refused attempt only raises
-- its count and latest time; deletion is left to housekeeping's documented retention.
CREATE TRIGGER `security_events_no_rewrite` BEFORE UPDATE ON `security_events`
WHEN NEW.`id` IS NOT OLD.`id` OR NEW.`user_id` IS NOT OLD.`user_id` OR NEW.`type` IS NOT OLD.`type`
  OR NEW.`created_at` IS NOT OLD.`created_at` OR NEW.`ip` IS NOT OLD.`ip` OR NEW.`user_agent` IS NOT OLD.`user_agent`
  OR NEW.`detail` IS NOT OLD.`detail` OR NEW.`actor` IS NOT OLD.`actor` OR NEW.`repeat_count` < OLD.`repeat_count`
BEGIN SELECT RAISE(ABORT, 'security_events rows are never rewritten'); END;
