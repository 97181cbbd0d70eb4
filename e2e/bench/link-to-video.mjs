// Measures the time from the caller opening the texted link to the regulator's
// first decoded video frame (the Accept tap is automated), on loopback and with
// the caller's phone under Chromium's 4G-like and slow-3G-like throttling. In
// the same run, the same flow with two bare JavaScript pages (bare-webrtc.js)
// over the same server gives the floor: what is left once the app is gone.
// Usage: node bench/link-to-video.mjs BASE_URL RUNS [--write]
import { chromium } from '@playwright/test';
import { provenance, writeSection } from '../../scripts/benchmarks-md.mjs';
import { benchArgs, chromiumPath } from '../browser.mjs';
import { nextFrame, serveBare, signedInRegulator, waitingCase } from './calls.mjs';

const [baseURL, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const kbit = (n) => (n * 1000) / 8;
// Chromium's throttling (DevTools protocol) shapes the caller page's HTTP and
// WebSocket traffic, and adds its latency to WebRTC media too (getStats: a
// 0.8 s round trip on slow 3G, Chromium 156): ICE and DTLS take round trips.
const PROFILES = [
  { name: 'loopback', goal: 1000 },
  { name: '4G (9 Mbit/s down, 1.5 up, 60 ms)', goal: 3000,
    conditions: { offline: false, latency: 60, downloadThroughput: kbit(9000), uploadThroughput: kbit(1500) } },
  { name: 'slow 3G (400 kbit/s, 400 ms)', goal: 8000,
    conditions: { offline: false, latency: 400, downloadThroughput: kbit(400), uploadThroughput: kbit(400) } },
];
const browser = await chromium.launch({ executablePath: chromiumPath, args: benchArgs });
const regulator = await signedInRegulator(browser, baseURL);

/** One link, opened on a fresh phone (empty cache), until the regulator's first frame, in ms. */
async function once(profile, bare) {
  const opens = (await waitingCase(regulator, bare)).replace(/^https?:\/\/[^/]+/, baseURL);
  const firstFrame = nextFrame(regulator);

  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  await serveBare(phone);
  const caller = await phone.newPage();
  if (process.env.DEBUG) {
    for (const [who, page] of [['caller', caller], ['regulator', regulator]]) {
      page.on('console', (m) => console.log(`${who}: ${m.text()}`));
      page.on('pageerror', (e) => console.log(`${who} error: ${e}`));
    }
  }
  if (profile.conditions) {
    const cdp = await phone.newCDPSession(caller);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', profile.conditions);
  }
  const opened = Date.now();
  await caller.goto(opens, { waitUntil: 'commit' });
  await caller.getByRole('button', { name: /Accepter la vidéo/ }).click();
  const frameAt = await firstFrame;
  await phone.close();
  return frameAt - opened;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (const profile of PROFILES) {
  const regard = [];
  const floor = [];
  // Alternating, so a slower moment of the machine touches both alike.
  for (let run = 0; run < runs; run++) {
    regard.push(await once(profile, false));
    floor.push(await once(profile, true));
    console.log(`${profile.name}, run ${run + 1}: Regard ${regard.at(-1).toFixed(0)} ms, bare JS ${floor.at(-1).toFixed(0)} ms`);
  }
  rows.push({ profile, regard, floor });
}
await browser.close();

const ms = (n) => `${Math.round(n)} ms`;
const lines = [
  '| caller\'s network | Regard median (min–max) | bare-JS floor median (min–max) | Regard / floor | goal (Regard median) |',
  '|---|---:|---:|---:|---|',
  ...rows.map(({ profile, regard, floor }) => `| ${profile.name} | ${ms(median(regard))} (${ms(Math.min(...regard))}–${ms(Math.max(...regard))}) `
    + `| ${ms(median(floor))} (${ms(Math.min(...floor))}–${ms(Math.max(...floor))}) | ${(median(regard) / median(floor)).toFixed(2)} `
    + `| ≤ ${profile.goal} ms: ${median(regard) <= profile.goal ? 'met' : 'missed'} |`),
];
console.log(lines.join('\n'));

if (process.argv.includes('--write')) {
  writeSection('Video assist: link to first frame', [
    `${provenance()} by \`./scripts/bench-link-to-video\`, ${runs} runs per cell, Regard and the floor alternating:`,
    'the caller opens the texted link on an emulated phone with an empty cache, Accept is tapped as soon as it shows,',
    'and the clock stops at the first frame decoded by the regulator\'s page (`requestVideoFrameCallback`). Release',
    'server, Chromium\'s fake camera. The caller\'s page is throttled with Chromium\'s network emulation, which shapes',
    'its HTTP and WebSocket traffic (page, API, signalling) and delays its WebRTC media too (getStats measured a 0.8 s',
    'round trip on slow 3G: ICE and DTLS alone take about 2 s there); the regulator is on the hospital\'s network',
    '(loopback). The floor is two bare JavaScript pages (e2e/bench/',
    'bare-webrtc.js) doing the same API calls and signalling over the same server, with no app around them.',
    '',
    ...lines,
  ]);
}
