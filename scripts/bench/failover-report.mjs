// Reads the Playwright reports of scripts/bench-failover's runs and writes the
// failover section of BENCHMARKS.md: each run's time from the kill to the
// regulator's first new frame, and their median.
import { readFileSync } from 'node:fs';
import { provenance, writeSection } from '../benchmarks-md.mjs';

const walk = (suite) => [...(suite.suites ?? []).flatMap(walk), ...(suite.specs ?? []).flatMap((spec) => spec.tests)];
const times = process.argv.slice(2).map((file) => {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const annotation = report.suites.flatMap(walk)
    .flatMap((t) => [...(t.annotations ?? []), ...t.results.flatMap((r) => r.annotations ?? [])])
    .find((a) => a.type === 'failover');
  if (!annotation || report.stats.unexpected > 0) throw new Error(`${file}: the failover test did not pass`);
  return Number(annotation.description.match(/(\d+) ms$/)[1]);
});
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`failover, node killed → regulator's first new frame: ${times.join(', ')} ms; median ${median} ms`);
writeSection('Several nodes: failover', [
  `${provenance()}, with \`./scripts/bench-failover\` (release builds, loopback).`,
  '',
  'A video assist whose regulator and caller reached different nodes of a loopback cluster (PostgreSQL, NATS,',
  'three nodes behind HAProxy); the regulator\'s node is killed with SIGKILL. Measured: from the kill to the first',
  'frame the regulator\'s page presents from the renewed video (the console reconnects through HAProxy, the caller\'s',
  'phone offers again). Goal: 5 s or less (Jitsi\'s client restarts a session when ICE is not back within 2 s).',
  '',
  '| runs | each (ms) | median |',
  '|---|---|---|',
  `| ${times.length} | ${times.join(', ')} | **${median} ms** |`,
]);
