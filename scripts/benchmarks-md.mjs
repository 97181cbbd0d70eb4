// Writes one section of BENCHMARKS.md, replacing the section of the same title
// and leaving the others as they are. Shared by the benchmark commands.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** "Measured DATE at commit C on MACHINE" for a section's first line. */
export function provenance() {
  // A figure measured on uncommitted code says so.
  const dirty = execSync('git status --porcelain -- app server shared style e2e', { cwd: root }).toString().trim();
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim() + (dirty ? '+changes' : '');
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  return `Measured ${new Date().toISOString().slice(0, 10)} at commit ${commit} on ${machine}`;
}

export function writeSection(title, lines) {
  const section = [`## ${title}`, '', ...lines, ''].join('\n');
  const file = join(root, 'BENCHMARKS.md');
  const header = '# Benchmarks\n\nFigures measured on this project\'s machines. Each section says how to reproduce it.\n\n';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const start = text.indexOf(`## ${title}\n`);
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start) + section + (next >= 0 ? '\n' + text.slice(next + 1) : '');
  } else {
    text = text.trimEnd() + '\n\n' + section;
  }
  writeFileSync(file, text);
  console.log(`BENCHMARKS.md: "${title}" updated`);
}
