CREATE TABLE `account_recoveries` (
	`user_id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`started_at` integer,
	`finishable_at` integer,
	`reminder_due_at` integer,
	`reminder_sent_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_recoveries_token_hash_unique` ON `account_recoveries` (`token_hash`);--> statement-breakpoint
CREATE INDEX `account_recoveries_expires_idx` ON `account_recoveries` (`expires_at`);--> statement-breakpoint
CREATE INDEX `account_recoveries_reminder_idx` ON `account_recoveries` (`reminder_due_at`);