import { brotliCompressSync, constants } from 'node:zlib';
import { expect, type Browser } from '@playwright/test';
import { test } from '../fixtures';
import { CallerPage, callerContext, regulatorPage, textedLink } from '../pages/assist';

// What a caller's phone downloads to show the video-assist page, compressed as the
// server sends it (brotli 11: the server sends the build's .br copies as they are,
// and compresses HTML on the fly). Bytes are deterministic, time is not: this is a
// budget, not a benchmark (scripts/bundle-size.mjs reports the figures).
const CALLER_PAGE_BUDGET_BYTES = 150_000;

const brotliSize = (body: Buffer) =>
  brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

// Every language a caller may read the page in (shared/src/lang.rs), each
// its own texts: the longest must fit as the shortest does.
const LANGUAGES = ['fr', 'en', 'ar', 'pt', 'es', 'it', 'tr', 'uk', 'ru', 'ro'];

test('the caller\'s page, everything it downloads, stays within its byte budget in every language', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  for (const [n, language] of LANGUAGES.entries()) {
    const { link } = await textedLink(regulator, `06 12 34 56 ${String(70 + n)}`, language);
    await measure(browser, link, language);
  }
  await regulator.context().close();
});

async function measure(browser: Browser, link: string, language: string) {
  const phone = await callerContext(browser);
  const page = await phone.newPage();
  const downloads: Promise<[string, number]>[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    // The API's answers are data, not the page.
    if (url.pathname.startsWith('/api/') || response.request().method() !== 'GET') return;
    downloads.push(response.body().then((body) => {
      // Images are sent as they are (already compressed); everything else as brotli.
      const sent = /\.(png|jpe?g|webp)$/.test(url.pathname) ? body.length : brotliSize(body);
      return [url.pathname, sent];
    }));
  });
  // The server names the link's API call in the HTML (a preload), so the browser
  // asks it while the app downloads, and the app's own call is answered from that.
  const linkReads: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/v1/patient/assist/')) linkReads.push(request.url());
  });
  await page.goto(link);
  // The consent step is drawn in the link's language (so the wasm ran); the header's logo is drawn by the CSS (no download).
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(new CallerPage(page).heading).toBeVisible();

  // Once per file.
  const measured = new Map(await Promise.all(downloads));
  const paths = [...measured.keys()];
  const total = [...measured.values()].reduce((sum, bytes) => sum + bytes, 0);
  console.log(`caller page (${language}): ${total} bytes brotli in ${paths.length} files: ${paths.join(', ')}`);
  expect(paths.some((p) => p.endsWith('.wasm')), 'the page\'s wasm was downloaded').toBe(true);
  // Its own language's texts, and no other's.
  expect(paths.filter((p) => p.startsWith('/caller/texts/'))).toEqual([`/caller/texts/${language}.json`]);
  // The console's app is not part of what a caller downloads.
  expect(paths.filter((p) => p.includes('regard-app'))).toEqual([]);
  expect(total).toBeLessThanOrEqual(CALLER_PAGE_BUDGET_BYTES);
  expect(linkReads).toHaveLength(1);
  await phone.close();
}
