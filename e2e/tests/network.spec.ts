import { expect, type Browser } from '@playwright/test';
import { test } from '../fixtures';
import { AssistDesk, CallerPage, callerContext, regulatorPage } from '../pages/assist';

/** A regulator and a caller whose video has reached the regulator. */
async function liveAssist(browser: Browser) {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78');
  const phone = await callerContext(browser);
  const caller = new CallerPage(await phone.newPage());
  await caller.page.goto(await assist.link());
  await caller.accept.click();
  await expect(assist.state).toHaveText('Vidéo en direct');
  await assist.videoPlays();
  return { regulator, assist, phone, caller };
}

test('after a network drop on the phone, video flows again without a new link', async ({ browser }) => {
  const { regulator, assist, phone, caller } = await liveAssist(browser);

  await phone.setOffline(true);
  await expect(caller.status).toHaveText('Connexion perdue, reconnexion…');
  await phone.setOffline(false);
  await expect(caller.status).toHaveText('Le médecin vous voit.', { timeout: 20_000 });
  await expect(assist.state).toHaveText('Vidéo en direct');
  // The regulator's video shows frames again: its clock moves on.
  const before = await assist.video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await regulator.waitForFunction((t) => (document.querySelector('video.remote-video') as HTMLVideoElement).currentTime > t + 0.5, before);
  expect(caller.page.url()).toContain('/v/');
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('after the caller reloads, the regulator\'s figures start over: never a negative bitrate', async ({ browser }) => {
  const { regulator, assist, phone, caller } = await liveAssist(browser);
  const quality = regulator.getByTestId('quality');
  await expect(quality).toContainText('kbit/s');
  // Every figure the regulator is shown from now on.
  await regulator.evaluate(() => {
    const shown: string[] = [];
    (window as unknown as { shown: string[] }).shown = shown;
    const record = () => shown.push(document.querySelector('[data-testid="quality"]')?.textContent ?? '');
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const shown = () => regulator.evaluate(() => (window as unknown as { shown: string[] }).shown);

  await caller.page.reload();
  await expect(caller.status).toHaveText('Le médecin vous voit.', { timeout: 20_000 });
  await expect(assist.state).toHaveText('Vidéo en direct');
  // Three samples of the new connection at least (one a second).
  // Counted alike before and after: figures only (every change of the page is
  // recorded, and the moments without a figure would otherwise count in "before").
  const figures = async () => (await shown()).filter((t) => t.includes('kbit/s')).length;
  const before = await figures();
  await expect.poll(figures, { timeout: 15_000 }).toBeGreaterThan(before + 3);
  expect((await shown()).filter((t) => /-\d/.test(t))).toEqual([]);
  await Promise.all([phone.close(), regulator.context().close()]);
});
