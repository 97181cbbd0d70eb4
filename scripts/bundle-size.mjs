#!/usr/bin/env node
// Prints what a browser downloads to start the app: the built wasm, JavaScript and
// CSS in dist/, raw and compressed (gzip -9 and brotli 11, as a server would
// pre-compress them). With --write, also records the figures in BENCHMARKS.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { provenance, writeSection } from './benchmarks-md.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const files = readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js').sort();
if (!files.some((f) => f.endsWith('.wasm'))) {
  console.error('no built app in dist/: run trunk build --release first');
  process.exit(1);
}

const kind = (f) => (f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'js' : 'css');
const rows = files.map((f) => {
  const bytes = readFileSync(join(dist, f));
  return {
    kind: kind(f),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const lines = [
  '| file | raw | gzip -9 | brotli 11 |',
  '|---|---:|---:|---:|',
  ...rows.map((r) => `| app ${r.kind} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`),
  `| **total** | **${kb(total.raw)}** | **${kb(total.gzip)}** | **${kb(total.brotli)}** |`,
];
console.log(lines.join('\n'));
console.log(`app bundle: ${total.gzip} bytes gzip, ${total.brotli} bytes brotli (wasm + js + css)`);

if (process.argv.includes('--write')) {
  writeSection('App bundle size', [
    `${provenance()} by \`node scripts/bundle-size.mjs --write\``,
    'after `trunk build --release` (profile wasm-release: opt-level z, LTO, one codegen unit, panic=abort; wasm-opt -Oz).',
    '',
    ...lines,
  ]);
}
