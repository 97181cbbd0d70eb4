// Télé-AVC's figures in Chromium against a release server: the time from
// opening a 300-slice CT series to its first slice drawn, the sustained scroll
// rate (slices actually drawn per second, each waited for), and the time from
// an urgent stroke request sent to the on-call neurologist's console ringing.
// Usage: node bench/series-viewer.mjs BASE_URL RUNS ZIP SMALL_ZIP [--write] (the small series goes with
// each urgent request: the stroke form asks for images)
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { provenance, writeSection } from '../../scripts/benchmarks-md.mjs';
import { chromiumArgs, chromiumPath } from '../browser.mjs';

const [baseURL, runsArg, zip, smallZip] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const SCROLLED = 100;
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });

async function signedIn(email) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  const login = await page.request.post('/api/v1/auth/login', { data: { email, password: 'regard-demo-2026' } });
  if (!login.ok()) throw new Error(`sign-in of ${email} failed: ${login.status()}`);
  return page;
}

const gp = await signedIn('medecin@demo.regard.fr');
const neuro = await signedIn('specialiste@demo.regard.fr');
const sites = await (await gp.request.get('/api/v1/expertise/sites')).json();
const site = sites.find((s) => s.name === 'CHRU de Nancy – Télé-expertise').id;
const answers = {
  onset: { type: 'text', value: '08:40' }, onset_known: { type: 'boolean', value: true },
  anticoagulant: { type: 'choice', value: 'none' }, systolic: { type: 'integer', value: 150 },
  question: { type: 'text', value: 'Thrombolyse ?' },
};
for (const item of ['1a', '1b', '1c', '2', '3', '4', '5a', '5b', '6a', '6b', '7', '8', '9', '10', '11']) {
  answers[`nihss_${item}`] = { type: 'integer', value: 1 };
}
async function strokeRequest(urgency, fileIds) {
  const sent = await gp.request.post('/api/v1/expertise', {
    data: { expert_site_id: site, specialty: 'stroke', urgency, answers, file_ids: fileIds,
      patient: { last_name: 'Fantôme', first_name: 'Tête', birth_date: '1948-03-02' } },
  });
  if (sent.status() !== 201) throw new Error(`request: ${sent.status()} ${await sent.text()}`);
  return (await sent.json()).id;
}

/** Sends a series as the app does (one multipart/mixed body); its file and the time it took. */
async function sendSeries(path) {
  const boundary = 'regard-bench-series';
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: attachment\r\n\r\n`), readFileSync(path),
    Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const start = Date.now();
  const uploaded = await gp.request.post('/api/v1/expertise/series?name=Scanner', {
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}` }, data: body, timeout: 600_000,
  });
  if (uploaded.status() !== 201) throw new Error(`series: ${uploaded.status()} ${await uploaded.text()}`);
  return { series: await uploaded.json(), ms: Date.now() - start, bytes: body.length };
}
const { series, ms: uploadMs, bytes: zipBytes } = await sendSeries(zip);
const requestId = await strokeRequest('routine', [series.id]);

const firstSlice = [];
const rates = [];
for (let run = 0; run < runs; run++) {
  await neuro.goto(`/console/expertise/${requestId}`);
  const open = neuro.getByRole('button', { name: /^Agrandir Scanner/ });
  await open.waitFor();
  const canvas = neuro.getByTestId('series-canvas');
  const clicked = Date.now();
  await open.click();
  await neuro.waitForFunction(() => document.querySelector('[data-testid="series-canvas"]')?.dataset.drawn === '0', null, { polling: 'raf' });
  firstSlice.push(Date.now() - clicked);
  // Each slice is asked for only once the one before is drawn: every one counted was on screen.
  const ms = await canvas.evaluate(async (c, count) => {
    const dialog = c.closest('[role="dialog"]');
    const start = performance.now();
    for (let n = 1; n <= count; n++) {
      const drawn = new Promise((resolve) => {
        const watch = new MutationObserver(() => { if (c.dataset.drawn === String(n)) { watch.disconnect(); resolve(); } });
        watch.observe(c, { attributes: true, attributeFilter: ['data-drawn'] });
      });
      dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      await drawn;
    }
    return performance.now() - start;
  }, SCROLLED);
  rates.push((SCROLLED * 1000) / ms);
  console.log(`run ${run + 1}: first slice ${firstSlice.at(-1)} ms, ${rates.at(-1).toFixed(1)} slices/s`);
}

// The ring: the neurologist on call with her console open on its home page.
const specialists = (await (await neuro.request.get('/api/v1/expertise/on-call')).json()).specialists;
const me = specialists.find((s) => s.name.includes('Leroy')).id;
const rota = await neuro.request.put('/api/v1/expertise/on-call', {
  data: { specialty: 'stroke', on_call_id: me, fallback_id: null, escalate_after_minutes: 5 },
});
if (!rota.ok()) throw new Error(`rota: ${rota.status()}`);
await neuro.goto('/console');
const rings = [];
for (let run = 0; run < runs; run++) {
  const ringing = neuro.getByTestId('ringing-requests');
  const { series: images } = await sendSeries(smallZip);
  const sent = Date.now();
  const id = await strokeRequest('urgent', [images.id]);
  await ringing.filter({ hasText: 'Tête' }).waitFor();
  rings.push(Date.now() - sent);
  // Taken, so that the next request rings alone.
  await neuro.request.post(`/api/v1/expertise/${id}/steps`, { data: { step: 'take' } });
  await ringing.waitFor({ state: 'detached' });
  console.log(`run ${run + 1}: rang after ${rings.at(-1)} ms`);
}
await browser.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const span = (xs, f) => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const ms = (n) => `${Math.round(n)} ms`;
const rate = (n) => `${n.toFixed(1)}`;
const lines = [
  '| measure | median (min–max) | goal |',
  '|---|---:|---|',
  `| opening the series → first slice drawn | ${span(firstSlice, ms)} | ≤ 1 s: ${median(firstSlice) <= 1000 ? 'met' : 'missed'} |`,
  `| sustained scroll, slices drawn per second (${SCROLLED} slices from the first, each drawn before the next is asked) | ${span(rates, rate)} | ≥ 20: ${median(rates) >= 20 ? 'met' : 'missed'} |`,
  `| urgent stroke request sent → the on-call console rings | ${span(rings, ms)} | ≤ 1 s: ${median(rings) <= 1000 ? 'met' : 'missed'} |`,
  `| the series sent (${series.slices} slices of ${series.width} × ${series.height}, a ${(zipBytes / 1e6).toFixed(1)} MB zip) → stored, once | ${ms(uploadMs)} | |`,
];
console.log(lines.join('\n'));
if (process.argv.includes('--write')) {
  writeSection('Télé-AVC: the CT series viewer and the ring', [
    `${provenance()} by \`./scripts/bench-viewer\`, ${runs} runs: release server on loopback, Chromium, the synthetic head`,
    'CT of the server crate (server/examples/ct_phantom.rs). Each run reloads the request\'s page (no slice kept) and',
    'clicks the series: the clock stops when the canvas has drawn slice 1 (`data-drawn`). Then the arrow key is pressed',
    'in the page, each time only once the slice before is drawn, so every slice counted was fetched (or prefetched),',
    'windowed and on screen. The ring is timed from the request\'s POST to the banner on the neurologist\'s open console.',
    '',
    ...lines,
  ]);
}
