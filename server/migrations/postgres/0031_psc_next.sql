-- The console page a Pro Santé Connect sign-in goes back to (a pharmacist who
-- scanned a prescription's QR code before signing in): a path of this site.
ALTER TABLE psc_logins ADD COLUMN next_path TEXT;
