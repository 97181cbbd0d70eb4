-- The language a tele-monitoring patient reads (a code of regard_shared::lang::Lang):
-- chosen by the clinician when enrolling, or by the patient on their portal.
-- NULL: not chosen; the portal follows the phone's language, messages are in French.
ALTER TABLE followups ADD COLUMN language TEXT;
