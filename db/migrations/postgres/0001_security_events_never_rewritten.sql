-- The log is evidence: an event is never rewritten. A repeat of the same refused attempt only raises
-- its count and latest time; deletion is left to housekeeping's documented retention.
CREATE FUNCTION security_events_no_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.user_id IS DISTINCT FROM OLD.user_id OR NEW.type IS DISTINCT FROM OLD.type
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.ip IS DISTINCT FROM OLD.ip
    OR NEW.user_agent IS DISTINCT FROM OLD.user_agent OR NEW.detail IS DISTINCT FROM OLD.detail
    OR NEW.actor IS DISTINCT FROM OLD.actor OR NEW.repeat_count < OLD.repeat_count THEN
    RAISE EXCEPTION 'security_events rows are never rewritten';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER security_events_no_rewrite BEFORE UPDATE ON security_events
FOR EACH ROW EXECUTE FUNCTION security_events_no_rewrite();
