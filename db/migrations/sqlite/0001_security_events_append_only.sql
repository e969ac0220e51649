-- The security log is evidence: the application may add to it, never rewrite or erase it.
CREATE TRIGGER `security_events_no_update` BEFORE UPDATE ON `security_events`
BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `security_events_no_delete` BEFORE DELETE ON `security_events`
BEGIN SELECT RAISE(ABORT, 'security_events is append-only'); END;
