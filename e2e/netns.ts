// A caller's phone on a real mobile network, for the browser tests and the
// benchmark: Chromium runs in a network namespace of the test's own, joined to
// this machine by a veth pair whose rate the kernel limits both ways (`tbf` on
// each end), and everything the phone exchanges with Regard (the page, the API,
// the WebSocket and, through the TURN relay, the media) crosses a forwarder here
// that adds the profile's delay and drops its share of datagrams, since this
// kernel has no `netem`. Limitation: lost TCP segments are not simulated (the
// kernel would retransmit them; only their delay is), so the page and the
// signalling see the delay and the rate, and the media all three.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './browser.mjs';
import { freePort, startRegard } from './relay';

export interface Profile {
  name: string;
  /** kbit/s towards the phone, and from it. */
  downKbit: number;
  upKbit: number;
  /** Round trip added, in ms: half each way. */
  rttMs: number;
  /** Share of datagrams lost, each way. */
  loss: number;
}

export const PROFILES = {
  fourG: { name: '4G', downKbit: 9000, upKbit: 1500, rttMs: 60, loss: 0 },
  threeG: { name: '3G', downKbit: 750, upKbit: 250, rttMs: 150, loss: 0.01 },
  poorEdge: { name: 'poor edge', downKbit: 200, upKbit: 100, rttMs: 400, loss: 0.03 },
} satisfies Record<string, Profile>;

function run(command: string, ...args: string[]) {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The namespace's subnet number: 10.199.N.0/30, unused by another test running now. */
function claimNamespace(): number {
  for (let attempt = 0; attempt < 20; attempt++) {
    const n = Math.floor(Math.random() * 250) + 1;
    try {
      run('ip', 'netns', 'add', `regard-${n}`);
      return n;
    } catch { /* taken by a test in another worker: try another */ }
  }
  throw new Error('no free network namespace number');
}

export class ShapedLink {
  readonly hostIp: string;
  readonly phoneIp: string;
  /** An executable that starts Chromium inside the namespace (Playwright's `executablePath`). */
  readonly chromium: string;
  private readonly namespace: string;
  private readonly hostEnd: string;
  private readonly phoneEnd: string;
  private readonly dir: string;
  private readonly closers: (() => void)[] = [];
  private closed = false;

  constructor(private profile: Profile) {
    const n = claimNamespace();
    this.namespace = `regard-${n}`;
    this.hostEnd = `rg${n}h`;
    this.phoneEnd = `rg${n}p`;
    this.hostIp = `10.199.${n}.1`;
    this.phoneIp = `10.199.${n}.2`;
    run('ip', 'link', 'add', this.hostEnd, 'type', 'veth', 'peer', 'name', this.phoneEnd, 'netns', this.namespace);
    run('ip', 'addr', 'add', `${this.hostIp}/30`, 'dev', this.hostEnd);
    run('ip', 'link', 'set', this.hostEnd, 'up');
    run('ip', '-n', this.namespace, 'addr', 'add', `${this.phoneIp}/30`, 'dev', this.phoneEnd);
    run('ip', '-n', this.namespace, 'link', 'set', this.phoneEnd, 'up');
    run('ip', '-n', this.namespace, 'link', 'set', 'lo', 'up');
    this.shape(profile);
    this.dir = mkdtempSync(join(tmpdir(), 'regard-netns-'));
    this.chromium = join(this.dir, 'chromium');
    writeFileSync(this.chromium, `#!/bin/sh\nexec ip netns exec ${this.namespace} ${chromiumPath} "$@"\n`);
    chmodSync(this.chromium, 0o755);
  }

  /** Limits the rate each way; the queue holds at most about 400 ms, as a mobile network's does. */
  shape(profile: Profile) {
    this.profile = profile;
    const tbf = (kbit: number) => ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', `${Math.max(4, Math.ceil(kbit / 400))}kb`, 'latency', '400ms'];
    run('tc', 'qdisc', 'replace', 'dev', this.hostEnd, ...tbf(profile.downKbit));
    run('ip', 'netns', 'exec', this.namespace, 'tc', 'qdisc', 'replace', 'dev', this.phoneEnd, ...tbf(profile.upKbit));
  }

  /** Pulls the cable: nothing gets through either way until `restore`. */
  cut() { run('ip', 'link', 'set', this.hostEnd, 'down'); }
  restore() { run('ip', 'link', 'set', this.hostEnd, 'up'); }

  /** Runs `send` after the profile's one-way delay if the datagram comes from or goes to
   *  the phone, or drops it with the profile's loss; at once for anyone else. */
  private impaired(peer: string | undefined, lossy: boolean, send: () => void) {
    if (peer !== this.phoneIp) return send();
    if (lossy && Math.random() < this.profile.loss) return;
    // The same delay for every datagram keeps their order (Node fires equal timers in turn).
    setTimeout(() => { if (!this.closed) send(); }, this.profile.rttMs / 2);
  }

  /** A UDP port on the host end forwarding to `port` on loopback, a socket per sender. */
  async forwardUdp(port: number): Promise<number> {
    const front = createSocket('udp4');
    const upstreams = new Map<string, Socket>();
    front.on('message', (datagram, from) => {
      const key = `${from.address}:${from.port}`;
      let upstream = upstreams.get(key);
      if (!upstream) {
        const socket = createSocket('udp4');
        socket.bind(0, '127.0.0.1');
        socket.on('message', (reply) =>
          this.impaired(from.address, true, () => front.send(reply, from.port, from.address, () => {})));
        upstreams.set(key, socket);
        upstream = socket;
      }
      const to = upstream;
      this.impaired(from.address, true, () => to.send(datagram, port, '127.0.0.1', () => {}));
    });
    await new Promise<void>((resolve) => front.bind(0, this.hostIp, resolve));
    this.closers.push(() => { front.close(); for (const socket of upstreams.values()) socket.close(); });
    return front.address().port;
  }

  /** A TCP port on the host end forwarding to `port` on loopback, delaying both ways. */
  async forwardTcp(port: number): Promise<number> {
    const server: Server = createServer((client) => {
      const upstream = connect(port, '127.0.0.1');
      const peer = client.remoteAddress;
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        from.on('data', (chunk) => this.impaired(peer, false, () => to.write(chunk)));
        from.on('end', () => this.impaired(peer, false, () => to.end()));
        from.on('error', () => { client.destroy(); upstream.destroy(); });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, this.hostIp, resolve));
    this.closers.push(() => server.close());
    return (server.address() as { port: number }).port;
  }

  /** Removes the namespace (and with it the veth pair) and the forwarders. */
  close() {
    this.closed = true;
    for (const close of this.closers) close();
    run('ip', 'netns', 'del', this.namespace);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A Regard server of the test's own whose callers' phones are on a shaped link:
 *  `phones` is a Chromium inside the namespace, `phoneOrigin` the server as the
 *  phones reach it. Media goes through the built-in TURN relay, relayed only, so
 *  the phone's side of it crosses the link too. */
export interface ShapedRegard {
  link: ShapedLink;
  baseURL: string;
  phoneOrigin: string;
  phones: Browser;
  /** The texted link, as the phone opens it. */
  forPhone(href: string): string;
  close(): Promise<void>;
}

export async function startShapedRegard(profile: Profile, args: string[] = chromiumArgs): Promise<ShapedRegard> {
  const link = new ShapedLink(profile);
  const turnPort = await freePort();
  const turnProxy = await link.forwardUdp(turnPort);
  const regard = await startRegard(['--turn-listen', `127.0.0.1:${turnPort}`, '--turn-allowed-peer', '127.0.0.0/8',
    '--turn-secret', 'shaped-link-secret', '--turn-url', `turn:${link.hostIp}:${turnProxy}?transport=udp`, '--ice-relay-only']);
  const phoneOrigin = `http://${link.hostIp}:${await link.forwardTcp(Number(new URL(regard.baseURL).port))}`;
  // Real deployments serve HTTPS; here the phone reaches a plain-HTTP private
  // address, which Chromium would not let use the camera.
  const phones = await chromium.launch({ executablePath: link.chromium,
    args: [...args, `--unsafely-treat-insecure-origin-as-secure=${phoneOrigin}`] });
  return {
    link, baseURL: regard.baseURL, phoneOrigin, phones,
    forPhone(href) {
      const sent = new URL(href, regard.baseURL);
      return `${phoneOrigin}${sent.pathname}${sent.search}${sent.hash}`;
    },
    async close() { await phones.close(); await regard.stop(); link.close(); },
  };
}
