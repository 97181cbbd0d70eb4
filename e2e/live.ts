// The console's live channel as a person meets it: how long news takes from
// the server's answer to a patient's action to the clinician's screen, and a
// Regard server of the test's own, to stop and start under an open console.
import { expect, request as http, test, type APIRequestContext, type Locator, type Page, type Response } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD } from './pages/login-page';

/**
 * How long a test waits for news to reach an open console. The console never
 * polls: it asks the server again only when its live channel says something
 * changed, so news shown without a reload came through that channel. How fast
 * is a figure each test reports (scripts/test prints them; the goal is under a
 * second on loopback), not a reason to fail: on a busy 2-core machine drawing
 * the page can take longer than the network.
 */
export const NEWS_WAIT_MS = 15_000;

/**
 * Does `act` on `page`, waits for the server's answer matching `answered`, and
 * fails unless `shown` becomes visible without a reload. Returns the latency
 * from the answer to the screen, also written in the test's annotations (the
 * report lists them).
 */
export async function newsWithin(
  page: Page, answered: (r: Response) => boolean, act: () => Promise<unknown>, shown: Locator, what: string,
): Promise<number> {
  const response = page.waitForResponse(answered);
  await act();
  await response;
  const from = Date.now();
  await expect(shown).toBeVisible({ timeout: NEWS_WAIT_MS });
  const ms = Date.now() - from;
  test.info().annotations.push({ type: 'latency', description: `${what}: ${ms} ms` });
  return ms;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A Regard server of one test: its own port and database, demo accounts. */
export class OwnServer {
  private process?: ChildProcess;
  readonly dataDir = mkdtempSync(path.join(os.tmpdir(), 'regard-live-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnServer> {
    const server = new OwnServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts it (again, on the same port and data) and waits until it answers. */
  async restart(): Promise<void> {
    const binary = process.env.REGARD_E2E_SERVER ?? '../target/debug/regard';
    const dist = process.env.REGARD_E2E_DIST_DIR ?? '../dist';
    this.process = spawn(binary, [
      'serve', '--listen', `127.0.0.1:${this.port}`, '--public-url', this.url,
      '--data-dir', this.dataDir, '--dist-dir', dist, '--seed-demo',
    ], { stdio: 'ignore', env: { ...process.env, REGARD_LOG: 'warn' } });
    await expect.poll(async () => {
      try {
        return (await fetch(`${this.url}/healthz`)).ok;
      } catch {
        return false;
      }
    }, { timeout: 30_000 }).toBe(true);
  }

  /** Kills it as a crash would: no goodbye to open sockets. */
  async kill(): Promise<void> {
    const running = this.process;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }

  /** Kills it and deletes its data: the end of the test. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** An API client signed in as `email`. */
  async signedIn(email: string): Promise<APIRequestContext> {
    const client = await http.newContext({ baseURL: this.url });
    const response = await client.post('/api/v1/auth/login', { data: { email, password: DEMO_PASSWORD } });
    expect(response.ok()).toBe(true);
    return client;
  }

  /** An API client with no session: a patient's phone. */
  async anonymous(): Promise<APIRequestContext> {
    return http.newContext({ baseURL: this.url });
  }
}

/** Counts the chimes (each opens an AudioContext) and system notifications of `page`. */
export async function countAnnouncements(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __chimes: number; __notified: string[]; AudioContext: typeof AudioContext };
    w.__chimes = 0;
    w.__notified = [];
    const Real = window.AudioContext;
    w.AudioContext = class extends Real {
      constructor(options?: AudioContextOptions) {
        super(options);
        w.__chimes += 1;
      }
    };
    (window as unknown as { Notification: unknown }).Notification = class {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title: string) { w.__notified.push(title); }
      close() {}
    };
  });
}

export async function announcements(page: Page): Promise<{ chimes: number; notified: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __chimes: number; __notified: string[] };
    return { chimes: w.__chimes, notified: [...w.__notified] };
  });
}
