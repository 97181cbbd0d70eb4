import { chromium, expect } from '@playwright/test';
import { test } from '../fixtures';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from '../browser.mjs';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('the manifest is valid and its icons are real PNGs of the stated size', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.ok()).toBe(true);
  const manifest = await response.json();
  expect(manifest.name).toContain('Regard');
  expect(manifest.short_name).toBe('Regard');
  expect(manifest.start_url).toBe('/');
  expect(manifest.display).toBe('standalone');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  const purposes = new Set<string>();
  for (const icon of manifest.icons) {
    const [width, height] = pngSize(await (await request.get(icon.src)).body());
    expect(`${width}x${height}`).toBe(icon.sizes);
    purposes.add(`${icon.purpose} ${icon.sizes}`);
  }
  for (const needed of ['any 192x192', 'any 512x512', 'maskable 512x512']) {
    expect(purposes.has(needed), needed).toBe(true);
  }
});

test('the service worker becomes ready and serves the app shell offline', async ({ page, context }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion des soignants');
  const state = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    // `ready` can resolve before this page is controlled: wait for the claim.
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    // `controllerchange` fires while the worker is still finishing its activation.
    const worker = registration.active!;
    if (worker.state !== 'activated') {
      await new Promise((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(null)));
    }
    return worker.state;
  });
  expect(state).toBe('activated');
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith('regard-shell-'))!);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  expect(cached).toContain('/');
  expect(cached.some((p) => p.endsWith('.wasm'))).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion des soignants');
  await page.goto('/p');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Regard : voir pour mieux vous soigner');
  await context.setOffline(false);
});

test('Chromium reports no installability error', async ({ baseURL }) => {
  // A normal test context is incognito, which is never installable: use a profile.
  const profile = mkdtempSync(join(tmpdir(), 'regard-pwa-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    baseURL,
  });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const { url, errors } = await cdp.send('Page.getAppManifest');
    expect(url).toContain('/manifest.webmanifest');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
