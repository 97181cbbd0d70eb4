#!/usr/bin/env node
// Prints what a browser downloads to show each entry of the built app: the
// caller's video-assist page (dist/caller/) and the clinician console with the
// other patient pages (dist/). Each entry counts its HTML, wasm, JavaScript and
// CSS (the header's logo is drawn by the CSS); raw and as the server
// sends them (the .gz and .br files that scripts/precompress.mjs wrote; HTML
// compressed here as the server compresses it on the fly). The app has no web
// fonts. With --write, also records the figures in BENCHMARKS.md.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { provenance, writeSection } from './benchmarks-md.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

const entries = [
  { name: 'caller page', dir: join(dist, 'caller'), goal: 150_000 },
  { name: 'console', dir: dist },
];

function measure({ dir }) {
  const files = readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js').sort();
  if (!files.some((f) => f.endsWith('.wasm')) || !files.every((f) => existsSync(join(dir, `${f}.br`)))) {
    console.error(`no built, precompressed app in ${dir}: run scripts/lib.sh's build_app`);
    process.exit(1);
  }
  const size = (f) => statSync(join(dir, f)).size;
  const html = readFileSync(join(dir, 'index.html'));
  const rows = [
    { kind: 'html', raw: html.length, gzip: gzipSync(html, { level: 9 }).length,
      brotli: brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length },
    ...files.map((f) => ({ kind: f.split('.').pop(), raw: size(f), gzip: size(`${f}.gz`), brotli: size(`${f}.br`) })),
  ];
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
    { raw: 0, gzip: 0, brotli: 0 });
  return { rows, total };
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const lines = ['| entry | file | raw | gzip -9 | brotli 11 |', '|---|---|---:|---:|---:|'];
const summary = [];
for (const entry of entries) {
  const { rows, total } = measure(entry);
  lines.push(...rows.map((r) => `| ${entry.name} | ${r.kind} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`));
  lines.push(`| **${entry.name}** | **total** | **${kb(total.raw)}** | **${kb(total.gzip)}** | **${kb(total.brotli)}** |`);
  const goal = entry.goal ? ` (goal ≤ ${entry.goal} bytes compressed)` : '';
  summary.push(`${entry.name}: ${total.gzip} bytes gzip, ${total.brotli} bytes brotli${goal}`);
}
console.log(lines.join('\n'));
console.log(summary.join('\n'));

if (process.argv.includes('--write')) {
  writeSection('App bundle size', [
    `${provenance()} by \`node scripts/bundle-size.mjs --write\``,
    'after `build_app` in scripts/lib.sh (trunk, profile wasm-release: opt-level z, LTO, one codegen unit, panic=abort;',
    'wasm-opt -Oz). KB = 1000 bytes. The browser test `page-weight.spec.ts` fails when the caller\'s page, as',
    'downloaded by Chromium, exceeds 150 000 bytes brotli.',
    '',
    ...lines,
    '',
    ...summary.map((s) => `- ${s}`),
  ]);
}
