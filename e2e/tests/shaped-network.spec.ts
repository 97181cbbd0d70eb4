import { expect, type Browser } from '@playwright/test';
import { test } from '../fixtures';
import { PHOTO } from '../images';
import { PROFILES, startShapedRegard, type Profile } from '../netns';
import { AssistDesk, CallerPage, callerContext, regulatorPage } from '../pages/assist';
import { framesDecoded, watchPeerConnections } from '../relay';

/** A call whose caller is on a shaped mobile link (see netns.ts), the regulator here. */
async function shapedCall(browser: Browser, profile: Profile) {
  const shaped = await startShapedRegard(profile);
  const regulator = await regulatorPage(browser, shaped.baseURL);
  await watchPeerConnections(regulator);
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78');
  const caller = new CallerPage(await (await callerContext(shaped.phones, shaped.phoneOrigin)).newPage());
  // The page's download speed, as the phone reports it with its camera's abilities (kbit/s).
  const reported: number[] = [];
  caller.page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
    const speed = JSON.parse(String(payload)).signal?.signal?.reply?.capabilities?.downlink_kbps;
    if (speed !== undefined) reported.push(speed);
  }));
  const opened = shaped.forPhone(await assist.link());
  await caller.page.goto(opened);
  await caller.accept.click();
  return { shaped, regulator, assist, caller, opened, reported };
}

test('the caller\'s network cut for 10 s during a call: the regulator sees new frames once it returns, without a new link', async ({ browser }) => {
  const { shaped, regulator, assist, caller, opened, reported } = await shapedCall(browser, PROFILES.fourG);
  try {
    // Connecting over the shaped link and the relay is not what this test times.
    await expect(caller.status).toHaveText('Le médecin vous voit.', { timeout: 30_000 });
    // Fast enough for video: the console keeps it.
    await expect.poll(() => reported[0]).toBeGreaterThan(1000);
    await assist.videoPlays();
    await expect.poll(() => framesDecoded(regulator)).toBeGreaterThan(0);

    shaped.link.cut();
    const frozenAt = await framesDecoded(regulator);
    // The cut itself lasts 10 s: what the test is about, not a wait for something.
    await regulator.waitForTimeout(10_000);
    const duringCut = await framesDecoded(regulator);
    // Nothing came through but the frames already on their way.
    expect(duringCut - frozenAt).toBeLessThan(30);
    shaped.link.restore();

    await expect.poll(() => framesDecoded(regulator), { timeout: 20_000 }).toBeGreaterThan(duringCut + 30);
    expect(caller.page.url()).toBe(opened);
    await expect(caller.status).toHaveText('Le médecin vous voit.');
  } finally {
    await shaped.close();
  }
});

test('on a poor edge network the call goes to photos by itself, both sides say why, and a photo reaches the case', async ({ browser }) => {
  test.setTimeout(180_000);
  const { shaped, regulator, assist, caller, reported } = await shapedCall(browser, PROFILES.poorEdge);
  try {
    await expect(caller.page.getByRole('heading', { name: 'Réseau trop faible pour la vidéo' })).toBeVisible({ timeout: 60_000 });
    // The first switch comes from the phone's own figure, before any frozen
    // picture: it downloaded its page at an edge link's speed, and the
    // regulator is told that figure.
    expect(reported[0]).toBeLessThan(300);
    await expect(regulator.getByText(`Réseau de l'appelant trop lent pour la vidéo (${reported[0]} kbit/s) : photos d'abord. Nouvel essai de la vidéo dans 30 s.`)).toBeVisible();
    await expect(regulator.getByRole('button', { name: 'Reprendre la vidéo' })).toBeVisible();
    await expect(regulator.getByTestId('link-quality')).toHaveText('Photos seulement');
    await caller.page.locator('#photo-input').setInputFiles({ name: 'plaie.png', mimeType: 'image/png', buffer: PHOTO });
    await expect(caller.page.getByText('Photo envoyée au médecin.')).toBeVisible({ timeout: 30_000 });
    await expect(assist.gallery).toHaveCount(1);
    // Video is tried again after 30 s; what it delivers on this link, judged
    // by the console second by second, sends it back to photos for longer.
    await expect(regulator.getByText('Réseau de l\'appelant trop faible pour la vidéo : passage aux photos. Nouvel essai de la vidéo dans 60 s.')).toBeVisible({ timeout: 90_000 });
  } finally {
    await shaped.close();
  }
});
