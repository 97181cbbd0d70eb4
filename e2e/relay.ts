// TURN relays for the browser tests: a Regard server of the test's own, started
// with the relay settings under test (the suite's server has none), and the
// real coturn from Debian's package. Both stop when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from '@playwright/test';

const server = process.env.REGARD_E2E_SERVER ?? '../target/debug/regard';
const distDir = process.env.REGARD_E2E_DIST_DIR ?? '../dist';

/** A port nobody listens on now (TCP; the relays take UDP on the same number). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    }).on('error', reject);
  });
}

export interface Running {
  baseURL: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess, cleanup = () => {}): () => Promise<void> {
  return () => new Promise((resolve) => {
    if (child.exitCode !== null) { cleanup(); resolve(); return; }
    child.once('exit', () => { cleanup(); resolve(); });
    child.kill('SIGTERM');
  });
}

/** Resolves once `ready` does, or fails with what the process said if it exits first. */
async function until(child: ChildProcess, what: string, ready: () => Promise<boolean>): Promise<void> {
  let said = '';
  child.stderr?.on('data', (chunk) => { said += chunk; });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited: ${said}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} not ready in 30 s: ${said}`);
}

/** A Regard server with the demo accounts and `args`, on SQLite in a directory of its own. */
export async function startRegard(args: string[]): Promise<Running> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'regard-relay-'));
  const child = spawn(server, ['serve', '--listen', `127.0.0.1:${port}`, '--public-url', baseURL, '--data-dir', dataDir,
    '--dist-dir', distDir, '--seed-demo', ...args], { env: { ...process.env, REGARD_LOG: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  await until(child, 'regard', async () => (await fetch(`${baseURL}/healthz`).catch(() => null))?.ok ?? false);
  return { baseURL, stop: stopper(child, () => rmSync(dataDir, { recursive: true, force: true })) };
}

/** coturn as the README configures it, with time-limited credentials signed by `secret`;
 *  loopback peers allowed since both browsers are on this machine. */
export async function startCoturn(secret: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('turnserver', ['-n', '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=regard', '--allow-loopback-peers',
    '--no-cli', '--no-tls', '--no-dtls', '--log-file=stdout', '--simple-log'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const listening = () => new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); }).on('error', () => resolve(false));
  });
  await until(child, 'turnserver', listening);
  return { port, stop: stopper(child) };
}

/** A credential as Regard hands it out (coturn's `use-auth-secret`), expiring `inSecs` from now. */
export function credential(secret: string, inSecs: number): { username: string; credential: string } {
  const username = `${Math.floor(Date.now() / 1000) + inSecs}:e2e`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Keeps every RTCPeerConnection the page makes within reach of `selectedPair`. */
export async function watchPeerConnections(page: Page) {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        made.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** The candidate pair the page's connected call uses, and the policy it was made with. */
export async function selectedPair(page: Page) {
  return page.evaluate(async () => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
    const pc = made.filter((p) => p.connectionState === 'connected').at(-1);
    if (!pc) return null;
    const stats = [...(await pc.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const local = stats.find((s) => s.id === pair?.localCandidateId);
    const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
    return {
      policy: pc.getConfiguration().iceTransportPolicy,
      local: local?.candidateType as string, relayProtocol: local?.relayProtocol as string | undefined,
      remote: remote?.candidateType as string,
    };
  });
}

/** What a browser gathers from `url` with a credential: relayed candidates, and the errors the relay answered. */
export async function gatherRelayed(page: Page, url: string, login: { username: string; credential: string }) {
  return page.evaluate(async ({ url, login }) => {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: url, ...login }], iceTransportPolicy: 'relay' });
    const relayed: string[] = [];
    const errors: number[] = [];
    pc.onicecandidate = (e) => { if (e.candidate) relayed.push(e.candidate.candidate); };
    pc.onicecandidateerror = (e) => { errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode); };
    const complete = new Promise<void>((resolve) => {
      pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve(); };
    });
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await complete;
    pc.close();
    return { relayed: relayed.length, errors };
  }, { url, login });
}

/** Video frames the page's latest call has decoded so far. */
export async function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
    const pc = made.filter((p) => p.connectionState !== 'closed').at(-1);
    if (!pc) return 0;
    const video = [...(await pc.getStats()).values()].find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
    return (video?.framesDecoded as number | undefined) ?? 0;
  });
}

/** What the page's connected call tells its video sender to keep on a weak link. */
export async function videoDegradation(page: Page) {
  return page.evaluate(() => {
    const made = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
    const pc = made.filter((p) => p.connectionState === 'connected').at(-1);
    const sender = pc?.getSenders().find((s) => s.track?.kind === 'video');
    return (sender?.getParameters() as { degradationPreference?: string } | undefined)?.degradationPreference ?? null;
  });
}
