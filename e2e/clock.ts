// Time passing, for links that expire after 30 minutes: a test cannot wait that
// long, so it moves one link's expiry into the past in the server's real SQLite
// file (the same file the running server reads), through Python's sqlite3 module.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';

const dataDir = process.env.REGARD_E2E_DATA_DIR ?? '../target/e2e-data';

/** Makes the link whose URL ends with its token expire a minute ago. */
export function expireLink(link: string): void {
  const token = new URL(link).pathname.split('/').pop() ?? '';
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const script = [
    'import sqlite3, sys, time',
    'db = sqlite3.connect(sys.argv[1], timeout=10)',
    'n = db.execute("UPDATE patient_links SET expires_at = ? WHERE token_hash = ?",',
    '               (int(time.time() * 1000) - 60_000, sys.argv[2])).rowcount',
    'db.commit()',
    'sys.exit(0 if n == 1 else 1)',
  ].join('\n');
  execFileSync('python3', ['-c', script, path.resolve(dataDir, 'regard.db'), tokenHash]);
}

/** Time passes for one follow-up: its whole schedule moves into the past
 *  until questionnaire `index` (from 0) fell due a minute ago. */
export function fallDue(followupId: string, index: number): void {
  const script = [
    'import sqlite3, sys, time',
    'db = sqlite3.connect(sys.argv[1], timeout=10)',
    'row = db.execute("SELECT due_at FROM followup_dues WHERE followup_id = ? AND idx = ?", (sys.argv[2], int(sys.argv[3]))).fetchone()',
    'shift = row[0] - (int(time.time() * 1000) - 60_000)',
    'db.execute("UPDATE followup_dues SET opens_at = opens_at - ?, due_at = due_at - ?, closes_at = closes_at - ? WHERE followup_id = ?",',
    '           (shift, shift, shift, sys.argv[2]))',
    'db.commit()',
  ].join('\n');
  execFileSync('python3', ['-c', script, path.resolve(dataDir, 'regard.db'), followupId, String(index)]);
}
