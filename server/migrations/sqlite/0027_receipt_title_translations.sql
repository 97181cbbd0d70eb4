-- The protocol title's translations (the FHIR translation extension of its
-- `_title`, as JSON), kept with a deletion receipt so that the patient's phone
-- shows the receipt in the language it is read in. NULL: French only.
ALTER TABLE followup_receipts ADD COLUMN title_translations TEXT;
