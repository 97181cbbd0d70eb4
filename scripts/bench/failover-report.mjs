// Reads the Playwright reports of scripts/bench-failover's runs and writes the
// failover section of BENCHMARKS.md: each run's time from the kill to the
// regulator's first frame after the call's ICE restart, the longest wait
// between two frames meanwhile, and their medians.
import { readFileSync } from 'node:fs';
import { provenance, writeSection } from '../benchmarks-md.mjs';

const walk = (suite) => [...(suite.suites ?? []).flatMap(walk), ...(suite.specs ?? []).flatMap((spec) => spec.tests)];
const runs = process.argv.slice(2).map((file) => {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const annotation = report.suites.flatMap(walk)
    .flatMap((t) => [...(t.annotations ?? []), ...t.results.flatMap((r) => r.annotations ?? [])])
    .find((a) => a.type === 'failover');
  if (!annotation || report.stats.unexpected > 0) throw new Error(`${file}: the failover test did not pass`);
  return {
    restarted: Number(annotation.description.match(/(\d+) ms$/)[1]),
    wait: Number(annotation.description.match(/between frames (\d+) ms/)[1]),
  };
});
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const times = runs.map((r) => r.restarted);
const waits = runs.map((r) => r.wait);
console.log(`failover, node killed → ICE restarted, regulator's next frame: ${times.join(', ')} ms; median ${median(times)} ms`);
console.log(`longest wait between two frames: ${waits.join(', ')} ms; median ${median(waits)} ms`);
writeSection('Several nodes: failover', [
  `${provenance()}, with \`./scripts/bench-failover\` (release builds, loopback).`,
  '',
  'A video assist whose regulator and caller reached different nodes of a loopback cluster (PostgreSQL, NATS,',
  'four nodes behind HAProxy); the regulator\'s node is killed with SIGKILL. The console reconnects through HAProxy',
  'and the caller\'s phone restarts ICE on the peer connection both sides kept. Measured: from the kill to the first',
  'frame the regulator\'s page presents once its ICE session is the restarted one and connected (goal: 5 s or less;',
  'Jitsi\'s client restarts a session when ICE is not back within 2 s), and the longest wait between two frames the',
  'page presents over that time (the video does not stop: the media path between the browsers never went through',
  'the dead node).',
  '',
  '| runs | kill → restarted, next frame (ms) | median | longest wait between frames (ms) | median |',
  '|---|---|---|---|---|',
  `| ${runs.length} | ${times.join(', ')} | **${median(times)} ms** | ${waits.join(', ')} | **${median(waits)} ms** |`,
]);
