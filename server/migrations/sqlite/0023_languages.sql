-- The language a video-assist caller reads (a code of regard_shared::lang::Lang):
-- chosen by the regulator when sending the link, or by the caller on their page.
-- NULL: not chosen; the page follows the phone's language.
ALTER TABLE assists ADD COLUMN language TEXT;
