// Reads scripts/bench-nodes' JSON lines (one per run of the load generator)
// and writes the cluster's signalling section of BENCHMARKS.md: medians over
// the runs, one node against two.
import { readFileSync } from 'node:fs';
import { provenance, writeSection } from '../benchmarks-md.mjs';

const [file, seconds] = process.argv.slice(2);
const runs = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const rows = [];
for (const size of [...new Set(runs.map((r) => r.connections))].sort((a, b) => a - b)) {
  for (const cross of [false, true]) {
    const these = runs.filter((r) => r.connections === size && r.cross_node === cross);
    if (these.length === 0) continue;
    const m = (key) => median(these.map((r) => r[key]));
    const where = cross ? 'two nodes (each call across them)' : 'one node';
    rows.push(`| ${size.toLocaleString('en')} | ${where} | ${m('connected')} | ${m('latency_p50_ms').toFixed(2)} | ${m('latency_p99_ms').toFixed(2)} | ${m('relayed_per_second')} |`);
  }
}
console.log(rows.join('\n'));
writeSection('Several nodes: signalling across nodes', [
  `${provenance()}, with \`./scripts/bench-nodes\` (release builds, loopback; medians of ${runs.length / 4} runs of ${seconds} s phases).`,
  '',
  'A loopback cluster (PostgreSQL, NATS, two nodes), driven by the load generator of `bench-signalling`, which',
  'opens the sockets of assists (one regulator\'s and one phone\'s each) straight on the nodes. "One node": both',
  'sides of every call on node 1. "Two nodes": the regulators\' sockets on node 1, the phones\' on node 2, so every',
  'message crosses NATS. Latency at a fixed rate (2 000 messages/s in all); throughput as fast as the pairs go',
  '(each socket at most 45 messages/s: the load generator\'s ceiling at 1 000 sockets, not the servers\'). The load',
  'generator, both nodes, NATS and PostgreSQL share the two cores; the nodes run through every load (memory per',
  'socket is bench-signalling\'s, on a fresh server). Goal: cross-node p99 ≤ 5 ms on loopback.',
  '',
  '| sockets | where | connected | p50 (ms) | p99 (ms) | relayed/s |',
  '|---|---|---|---|---|---|',
  ...rows,
]);
