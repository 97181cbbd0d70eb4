// What the video benchmarks share: the bare-JavaScript pages they compare
// Regard with (bare-webrtc.js, answered by Playwright's routing: Regard serves
// nothing new), the regulator signed in with a case waiting, the frames timed.
import { readFileSync } from 'node:fs';

const CONSENT_VERSION = 'assist-v1';
const BARE_JS = readFileSync(new URL('bare-webrtc.js', import.meta.url), 'utf8');
const BARE_HTML = '<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><title>bare</title><body><script src="/bench/bare-webrtc.js"></script>';

/** Answers the bare pages in `context`. */
export const serveBare = (context) => context.route(/\/bench\/bare/, (route) => {
  const js = route.request().url().includes('.js');
  return route.fulfill({ contentType: js ? 'text/javascript' : 'text/html', body: js ? BARE_JS : BARE_HTML });
});

/** The demo regulator, signed in on a desktop page of `browser` at `baseURL`. */
export async function signedInRegulator(browser, baseURL) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  await serveBare(context);
  const page = await context.newPage();
  const login = await page.request.post('/api/v1/auth/login', {
    data: { email: 'regulateur@demo.regard.fr', password: 'regard-demo-2026' },
  });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
  return page;
}

/** A new case with the regulator's page (Regard's console, or the bare page) waiting
 *  on it; returns what the phone opens: Regard's texted link or the bare caller page. */
export async function waitingCase(regulator, bare) {
  const assist = await (await regulator.request.post('/api/v1/assists', { data: { phone: '06 12 34 56 78' } })).json();
  const href = assist.sms[0].body.match(/https?:\/\/\S+\/v\/[A-Za-z0-9_-]+/)[0];
  if (bare) {
    await regulator.goto(`/bench/bare.html?assist=${assist.summary.id}`);
    await regulator.locator('body[data-joined="yes"]').waitFor();
    return `/bench/bare.html?token=${href.split('/v/')[1]}&consent=${CONSENT_VERSION}`;
  }
  await regulator.goto(`/console/assist/${assist.summary.id}`);
  await regulator.getByTestId('call-state').filter({ hasText: 'En attente' }).waitFor();
  return href;
}

/** Resolves with the wall-clock time of the next frame the page's remote video decodes. */
export const nextFrame = (page) => page.evaluate(() => new Promise((resolve) => {
  const watch = () => {
    const video = document.querySelector('video.remote-video');
    if (!video || !video.srcObject) return requestAnimationFrame(watch);
    video.requestVideoFrameCallback(() => resolve(performance.timeOrigin + performance.now()));
  };
  watch();
}));
