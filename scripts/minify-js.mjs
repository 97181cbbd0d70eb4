#!/usr/bin/env node
// Minifies the JavaScript glue trunk writes beside each entry's wasm (trunk's
// own minifier fails on wasm-bindgen's output and ships it as written: 59 KB
// raw for the caller's page, which every caller downloads), then puts the new
// files' hashes in the entry's `integrity` attributes, which name them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(new URL('../tools/package.json', import.meta.url));
const { transformSync } = require('esbuild');

const dist = process.argv[2] ?? join(new URL('..', import.meta.url).pathname, 'dist');
const sha384 = (bytes) => createHash('sha384').update(bytes).digest('base64');

for (const sub of ['', 'caller']) {
  const dir = join(dist, sub);
  const indexPath = join(dir, 'index.html');
  let index = readFileSync(indexPath, 'utf8');
  // sw.js is a template the server fills at start.
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'sw.js')) {
    const path = join(dir, name);
    const source = readFileSync(path);
    const { code } = transformSync(source.toString('utf8'), { minify: true, legalComments: 'none', loader: 'js' });
    writeFileSync(path, code);
    index = index.replaceAll(`sha384-${sha384(source)}`, `sha384-${sha384(code)}`);
    console.log(`minified ${join(sub, name)}: ${source.length} -> ${Buffer.byteLength(code)} bytes`);
  }
  writeFileSync(indexPath, index);
}
