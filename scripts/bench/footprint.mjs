// One run of the footprint benchmark: the server's resident memory when idle,
// then with 1 000 idle keep-alive connections. Prints key=value lines.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const [port, pid] = process.argv.slice(2);
const CONNECTIONS = 1000;

/** VmRSS of the server, in KiB, from the kernel's own accounting. */
function rssKib() {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return parseInt(status.match(/^VmRSS:\s+(\d+) kB/m)[1], 10);
}

/** Opens a connection, makes one request, resolves once the answer arrived. */
function idleConnection() {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    });
    let answered = false;
    socket.on('data', (chunk) => {
      if (!answered && chunk.toString().startsWith('HTTP/1.1 200')) {
        answered = true;
        resolve(socket);
      }
    });
    socket.on('error', () => resolve(null));
    socket.on('close', () => answered || resolve(null));
  });
}

// The built app once, as a first visit would: idle means "has served a page".
await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
const idle = rssKib();
const sockets = [];
for (let i = 0; i < CONNECTIONS; i += 50) {
  sockets.push(...(await Promise.all(Array.from({ length: 50 }, idleConnection))));
}
const open = sockets.filter(Boolean);
// Still connected after all were opened: the server kept every one.
const alive = open.filter((s) => !s.destroyed && s.readyState === 'open').length;
const loaded = rssKib();
console.log(`idle_kib=${idle}`);
console.log(`loaded_kib=${loaded}`);
console.log(`per_connection_bytes=${Math.round(((loaded - idle) * 1024) / Math.max(alive, 1))}`);
console.log(`failed=${CONNECTIONS - alive}`);
for (const socket of open) socket.destroy();
