#!/usr/bin/env node
// Writes `<file>.br` (brotli 11) and `<file>.gz` (gzip -9) beside each built
// asset in dist/, once per build. The server sends these as they are, so a phone
// gets the smallest encoding without the server compressing megabytes of wasm
// on every request (slow, and at a lower level than this).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? join(new URL('..', import.meta.url).pathname, 'dist');
// index.html and sw.js are rewritten by the server at start, so they are compressed on the fly.
const compressible = (f) => /\.(wasm|js|css|webmanifest|svg|json)$/.test(f) && f !== 'sw.js';

let count = 0;
for (const sub of ['', 'icons', 'caller', 'caller/texts']) {
  let names;
  try {
    names = readdirSync(join(dist, sub));
  } catch {
    continue;
  }
  for (const name of names.filter(compressible)) {
    const path = join(dist, sub, name);
    const bytes = readFileSync(path);
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(`${path}.br`, brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }));
    count += 1;
  }
}
console.log(`precompressed ${count} files in ${dist} (.br, .gz)`);
