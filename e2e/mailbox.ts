// The test SMTP server (aiosmtpd, started by playwright.config.ts) stores every
// message it receives in a Maildir; this reads them back.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const maildir = process.env.REGARD_E2E_MAILDIR ?? '../target/e2e-mail';

/** Undoes quoted-printable soft line breaks and escapes in a raw message. */
function unfold(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Every message received for `to`, decoded enough to read links. */
export function messagesTo(to: string): string[] {
  const dir = path.join(maildir, 'new');
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .map((file) => unfold(readFileSync(path.join(dir, file), 'utf8')))
    .filter((message) => new RegExp(`^To: .*${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'mi').test(message));
}
