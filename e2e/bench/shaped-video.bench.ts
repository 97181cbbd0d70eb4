// Benchmark (not a test), run by scripts/bench-shaped-video: video assist over
// a really shaped mobile link (netns.ts: the caller's browser in a network
// namespace, rate limited by the kernel, delay and loss added on its traffic,
// media through the built-in TURN relay). Per profile, RUNS runs alternating
// Regard and the bare-JavaScript floor (bare-webrtc.js): link opened → the
// regulator's first decoded frame, or on a poor edge link the moment the call
// went to photos by itself; then 60 s of one call (received picture, frame
// rate, freezes); on 4G, a 10 s cut and the time from the link's return to the
// first new frame.
import { test, type BrowserContext, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { benchArgs } from '../browser.mjs';
import { PROFILES, startShapedRegard, type Profile, type ShapedRegard } from '../netns';
import { watchPeerConnections } from '../relay';
import { nextFrame, serveBare, signedInRegulator, waitingCase } from './calls.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
/** `promise`'s value, or NaN (nothing came) after a minute. */
const withinAMinute = (promise: Promise<number>) =>
  Promise.race([promise, new Promise<number>((resolve) => setTimeout(() => resolve(NaN), 60_000))]);

interface Call { phone: BrowserContext; caller: Page; opened: number; firstFrame: Promise<number> }

/** A link sent, the regulator waiting, the phone opening it and accepting. */
async function call(shaped: ShapedRegard, regulator: Page, bare: boolean): Promise<Call> {
  const opens: string = await waitingCase(regulator, bare);
  const firstFrame: Promise<number> = nextFrame(regulator);
  const phone = await shaped.phones.newContext({ baseURL: shaped.phoneOrigin, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  await serveBare(phone);
  const caller = await phone.newPage();
  const opened = Date.now();
  await caller.goto(bare ? opens : shaped.forPhone(opens), { waitUntil: 'commit' });
  await caller.getByRole('button', { name: /Accepter la vidéo/ }).click({ timeout: 60_000 });
  return { phone, caller, opened, firstFrame };
}

/** The regulator's received video over `seconds` of call. */
async function received(regulator: Page, seconds: number) {
  const stats = () => regulator.evaluate(() => {
    const video = document.querySelector('video.remote-video') as HTMLVideoElement;
    const quality = video.getVideoPlaybackQuality();
    return { at: performance.now(), frames: quality.totalVideoFrames, height: video.videoHeight };
  });
  const start = await stats();
  const heights: number[] = [];
  for (let s = 0; s < seconds; s++) {
    await regulator.waitForTimeout(1000);
    heights.push((await stats()).height);
  }
  const end = await stats();
  // A freeze as WebRTC counts it: the gap between two frames well above the usual (getStats' freezeCount).
  const freezes = await regulator.evaluate(async () => {
    const pcs = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections;
    let count = 0;
    for (const pc of pcs) {
      for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === 'video') count += s.freezeCount ?? 0;
    }
    return count;
  });
  heights.sort((a, b) => a - b);
  return { fps: (end.frames - start.frames) / ((end.at - start.at) / 1000), height: heights[Math.floor(heights.length / 2)], freezes };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Median (min–max) in seconds; runs where nothing came within a minute are counted apart. */
const secs = (all: number[]) => {
  const xs = all.filter((x) => !Number.isNaN(x));
  const missing = all.length - xs.length ? ` + ${all.length - xs.length} with nothing in 60 s` : '';
  if (xs.length === 0) return all.length ? `nothing in 60 s` : '–';
  return `${(median(xs) / 1000).toFixed(1)} s (${(Math.min(...xs) / 1000).toFixed(1)}–${(Math.max(...xs) / 1000).toFixed(1)})${missing}`;
};

test('video assist on shaped mobile links', async ({ browser }) => {
  test.setTimeout(60 * 60_000);
  const rows: string[] = [];
  const goals = { fourG: 3000, threeG: 10000, poorEdge: 15000 };
  for (const [key, profile] of Object.entries(PROFILES) as [keyof typeof PROFILES, Profile][]) {
    const shaped = await startShapedRegard(profile, benchArgs);
    const regulator: Page = await signedInRegulator(browser, shaped.baseURL);
    await watchPeerConnections(regulator);
    const regard: number[] = [];
    const floor: number[] = [];
    const photos: number[] = [];
    const cuts: number[] = [];
    let sixty = { fps: 0, height: 0, freezes: 0 };
    for (let run = 0; run < RUNS; run++) {
      // Regard: the first frame, and on poor edge the switch to photos it makes by itself.
      const mine = await call(shaped, regulator, false);
      regard.push((await withinAMinute(mine.firstFrame)) - mine.opened);
      if (key === 'poorEdge') {
        await regulator.getByText(/trop faible pour la vidéo/).waitFor({ timeout: 60_000 });
        photos.push(Date.now() - mine.opened);
      } else if (run === 0) {
        sixty = await received(regulator, 60);
      }
      if (key === 'fourG') {
        shaped.link.cut();
        await regulator.waitForTimeout(10_000);
        const back = nextFrame(regulator);
        shaped.link.restore();
        const restored = Date.now();
        cuts.push((await withinAMinute(back)) - restored);
      }
      await mine.phone.close();
      // The floor, alternating, so a slower moment of the machine touches both alike.
      const bare = await call(shaped, regulator, true);
      floor.push((await withinAMinute(bare.firstFrame)) - bare.opened);
      await bare.phone.close();
      console.log(`${profile.name}, run ${run + 1}: Regard ${regard.at(-1)} ms, bare JS ${floor.at(-1)} ms`
        + (photos.length ? `, photos at ${photos.at(-1)} ms` : '') + (cuts.length ? `, after the cut ${cuts.at(-1)} ms` : ''));
    }
    await regulator.context().close();
    await shaped.close();
    const goal = goals[key];
    const reached = median(key === 'poorEdge' ? photos : regard);
    rows.push(`| ${profile.name} (${profile.downKbit} / ${profile.upKbit} kbit/s, ${profile.rttMs} ms, ${profile.loss * 100} % loss) `
      + `| ${secs(regard)} | ${secs(floor)} | ${secs(photos)} `
      + `| ${key === 'poorEdge' ? 'photos' : `${sixty.height} lines, ${sixty.fps.toFixed(0)} fps, ${sixty.freezes} freezes`} `
      + `| ${secs(cuts)} | ${key === 'poorEdge' ? 'photos' : 'first frame'} ≤ ${goal / 1000} s: ${reached <= goal ? 'met' : 'missed'} |`);
  }
  const lines = [
    '| caller\'s link | link → first frame, Regard median (min–max) | bare-JS floor | link → photos by itself | 60 s of call: picture, frame rate, freezes | 10 s cut: return → new frame | goal |',
    '|---|---:|---:|---:|---|---:|---|',
    ...rows,
  ];
  console.log(lines.join('\n'));
  // scripts/bench-shaped-video writes them to BENCHMARKS.md (this runner loads
  // the shared writer as CommonJS, which it is not).
  writeFileSync(process.env.BENCH_OUT ?? 'shaped-video.json', JSON.stringify([
    `by \`./scripts/bench-shaped-video\`, ${RUNS} runs per cell, Regard and the floor alternating.`,
    'The caller\'s browser runs in a network namespace joined by a veth pair whose rate the kernel limits (`tbf`);',
    'its page, API, WebSocket and media (through Regard\'s built-in TURN relay, relay only) cross a forwarder adding',
    'the round trip and, on datagrams, the loss (e2e/netns.ts). The regulator is on the hospital\'s network (loopback).',
    'Release server, Chromium\'s fake camera, an empty cache for each run. The floor is two bare JavaScript pages',
    '(e2e/bench/bare-webrtc.js) doing the same API calls and signalling over the same link, with no app around them.',
    '60 s of call: median received lines, frames per second, and WebRTC\'s freeze count, on the first run.',
    '',
    ...lines,
  ]));
});
