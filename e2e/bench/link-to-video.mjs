// Measures, over several runs, the time from the caller opening the texted link
// to the regulator's first decoded video frame (the Accept tap is automated).
// Usage: node bench/link-to-video.mjs BASE_URL RUNS [--write]
import { chromium } from '@playwright/test';
import { provenance, writeSection } from '../../scripts/benchmarks-md.mjs';
import { chromiumArgs, chromiumPath } from '../browser.mjs';

const [baseURL, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });

const regulatorContext = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
const regulator = await regulatorContext.newPage();
const login = await regulator.request.post('/api/v1/auth/login', {
  data: { email: 'regulateur@demo.regard.fr', password: 'regard-demo-2026' },
});
if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);

const timings = [];
for (let run = 0; run < runs; run++) {
  const created = await regulator.request.post('/api/v1/assists', { data: { phone: '06 12 34 56 78' } });
  const assist = await created.json();
  const link = assist.sms[0].body.match(/https?:\/\/\S+\/v\/[A-Za-z0-9_-]+/)[0].replace(/^https?:\/\/[^/]+/, baseURL);
  await regulator.goto(`/console/assist/${assist.summary.id}`);
  await regulator.getByTestId('call-state').filter({ hasText: 'En attente' }).waitFor();
  // Resolves with the wall-clock time of the first frame the regulator decodes.
  const firstFrame = regulator.evaluate(() => new Promise((resolve) => {
    const watch = () => {
      const video = document.querySelector('video.remote-video');
      if (!video || !video.srcObject) return requestAnimationFrame(watch);
      video.requestVideoFrameCallback(() => resolve(performance.timeOrigin + performance.now()));
    };
    watch();
  }));

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const caller = await phone.newPage();
  const opened = Date.now();
  await caller.goto(link);
  await caller.getByRole('button', { name: 'Accepter la vidéo' }).click();
  const frameAt = await firstFrame;
  timings.push(frameAt - opened);
  console.log(`run ${run + 1}: ${(frameAt - opened).toFixed(0)} ms`);
  await phone.close();
}
await browser.close();

timings.sort((a, b) => a - b);
const median = timings.length % 2 ? timings[(timings.length - 1) / 2] : (timings[timings.length / 2 - 1] + timings[timings.length / 2]) / 2;
const summary = { min: timings[0], median, max: timings[timings.length - 1] };
console.log(`link to first frame over ${runs} runs: min ${summary.min.toFixed(0)} ms, median ${summary.median.toFixed(0)} ms, max ${summary.max.toFixed(0)} ms`);

if (process.argv.includes('--write')) {
  writeSection('Video assist: link to first frame', [
    `${provenance()} by \`./scripts/bench-link-to-video\`:`,
    'the caller opens the texted link on an emulated phone, Accept is tapped as soon as it shows, and the clock stops at the',
    'first frame decoded by the regulator\'s page (`requestVideoFrameCallback`). Loopback, Chromium\'s fake camera, release server.',
    '',
    '| runs | min | median | max | goal |',
    '|---:|---:|---:|---:|---|',
    `| ${runs} | ${summary.min.toFixed(0)} ms | ${summary.median.toFixed(0)} ms | ${summary.max.toFixed(0)} ms | median ≤ 1000 ms |`,
  ]);
}
