-- mail_outbox.user_id may be null: the mail saying an account was deleted is queued in the deletion's
-- own transaction and outlives the account (db/queries/users.ts deleteUserAccount).
ALTER TABLE "mail_outbox" ALTER COLUMN "user_id" DROP NOT NULL;
