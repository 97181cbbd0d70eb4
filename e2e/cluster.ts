// The loopback cluster that scripts/cluster starts for cluster.spec.ts (four
// nodes behind HAProxy): which node is which, HAProxy's administration socket
// to choose where the next connection lands, and SIGKILL for a node.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const clusterDir = process.env.REGARD_CLUSTER_DIR ?? path.resolve('../target/e2e-cluster');

export interface Node { name: string; port: number; pid: number }

export function nodes(): Node[] {
  return readFileSync(path.join(clusterDir, 'nodes'), 'utf8').trim().split('\n').map((line) => {
    const [name, port, pid] = line.split(' ');
    return { name, port: Number(port), pid: Number(pid) };
  });
}

/** Sends one command to HAProxy's administration socket; resolves with its answer. */
async function haproxy(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path.join(clusterDir, 'haproxy.sock'));
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(`${command}\n`);
  });
}

/** The nodes not killed yet, in order: each test takes its own from these. */
export function alive(): Node[] {
  return nodes().filter((node) => {
    try {
      process.kill(node.pid, 0);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * New connections go to `node` only (the others drained: their open
 * connections stay), until `everyNode`.
 */
export async function onlyTo(node: Node) {
  for (const other of nodes()) {
    await haproxy(`set server nodes/${other.name} state ${other.name === node.name ? 'ready' : 'drain'}`);
  }
}

export async function everyNode() {
  for (const node of nodes()) await haproxy(`set server nodes/${node.name} state ready`);
}

/** The node dies at once, saying nothing to anyone (SIGKILL). */
export function kill(node: Node) {
  process.kill(node.pid, 'SIGKILL');
}
