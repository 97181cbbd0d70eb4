-- The language a teleconsultation patient reads (a code of regard_shared::lang::Lang):
-- chosen by the GP when booking, then the one the patient read the consent in.
-- NULL: not chosen; the invitation is in French, the page follows the phone's language.
ALTER TABLE consultations ADD COLUMN language TEXT;
