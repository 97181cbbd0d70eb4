#!/usr/bin/env node
// Prints what a browser downloads to start the app: the built wasm, JavaScript and
// CSS in dist/, raw and as the server sends them (the .gz and .br files that
// scripts/precompress.mjs wrote beside them). With --write, also records the
// figures in BENCHMARKS.md.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { provenance, writeSection } from './benchmarks-md.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const files = readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js').sort();
if (!files.some((f) => f.endsWith('.wasm')) || !files.every((f) => existsSync(join(dist, `${f}.br`)))) {
  console.error('no built, precompressed app in dist/: run trunk build --release, then scripts/precompress.mjs');
  process.exit(1);
}

const kind = (f) => (f.endsWith('.wasm') ? 'wasm' : f.endsWith('.js') ? 'js' : 'css');
const size = (f) => statSync(join(dist, f)).size;
const rows = files.map((f) => ({ kind: kind(f), raw: size(f), gzip: size(`${f}.gz`), brotli: size(`${f}.br`) }));
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
