// The caller's side of a video assist on Firefox ESR and WebKitGTK (e2e/engines.ts),
// the regulator in Chromium.
import { expect, type Browser, type Page } from '@playwright/test';
import { test } from '../fixtures';
import { writeFileSync } from 'node:fs';
import { CuttableLink, phone, type Engine, type Phone } from '../engines';
import { PHOTO } from '../images';
import { AssistDesk, clinicianPage, regulatorPage } from '../pages/assist';
import { GP } from '../pages/login-page';
import { MonitoringDesk } from '../pages/monitoring';
import { framesDecoded, watchPeerConnections } from '../relay';

/** A case opened by the regulator in Chromium, its link opened and accepted on `engine`. */
async function acceptedOn(engine: Engine, browser: Browser, baseURL: string, beforeAccepting = async (_caller: Phone) => {}) {
  const regulator = await regulatorPage(browser);
  await watchPeerConnections(regulator);
  // In French: WebKitGTK tells servers its language is American English whatever its environment.
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78', undefined, 'fr');
  const link = (await assist.link()).replace(/^https?:\/\/[^/]+/, baseURL);
  const caller = await phone(engine);
  try {
    await caller.open(link);
    await beforeAccepting(caller);
    await (await caller.button('Accepter la vidéo')).click();
  } catch (error) {
    await caller.close();
    throw error;
  }
  return { regulator, assist, caller };
}

/** The caller films a few seconds with the page's recorder (WebM on Firefox,
 *  MP4 on WebKit, as on Safari); the clip lands in the case and plays in Chromium. */
async function clipReachesTheCase(caller: Phone, regulator: Page) {
  await (await caller.button('Filmer une vidéo courte')).click();
  await caller.sees('Enregistrement… encore 28 s');
  await (await caller.button('Arrêter et envoyer')).click();
  await caller.sees('Vidéo envoyée au médecin.');
  const clip = regulator.getByRole('listitem').locator('video[aria-label^="Vidéo courte"]');
  await expect(clip).toHaveCount(1);
  // Chromium reads the recording's header: a real video with a duration.
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  expect(await clip.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(0);
}

test('a caller on Firefox: consent, camera, the regulator sees the video in Chromium, a photo, then Stop', async ({ browser, baseURL }) => {
  const { regulator, assist, caller } = await acceptedOn('firefox', browser, baseURL!);
  try {
    await caller.sees('Le médecin vous voit.');

    await expect(assist.state).toHaveText('Vidéo en direct');
    await assist.videoPlays();
    await expect.poll(() => framesDecoded(regulator)).toBeGreaterThan(10);

    // No ImageCapture in Firefox: the photo is a frame of the live video.
    await assist.snapshot.click();
    await expect(assist.gallery).toHaveCount(1);
    await caller.sees('Le médecin a pris une photo.');

    await clipReachesTheCase(caller, regulator);

    await (await caller.button('Arrêter la vidéo')).click();
    await (await caller.button('Oui, arrêter')).click();
    await caller.sees('Vidéo arrêtée');
    await expect(assist.state).not.toHaveText('Vidéo en direct');
  } finally {
    await caller.close();
  }
});

test('a caller on WebKit, whose build has no WebRTC: both sides told why, photos by the regulator and the caller, a clip that fails in words', async ({ browser, baseURL }, testInfo) => {
  // Before the link is bound to this browser: another one can still open it.
  const { regulator, assist, caller } = await acceptedOn('webkit', browser, baseURL!, (caller) =>
    caller.sees('Si vous le pouvez, ouvrez ce lien dans Safari, Chrome ou Firefox.'));
  try {
    expect(await caller.script<string>('return typeof RTCPeerConnection')).toBe('undefined');
    await caller.sees('Ce navigateur ne peut pas envoyer la vidéo en direct');
    await caller.sees('Le médecin peut prendre des photos avec votre caméra');

    await expect(assist.state).toHaveText('L\'appelant a rejoint, sans vidéo en direct');
    await expect(regulator.getByText('Le navigateur de l\'appelant ne peut pas envoyer de vidéo en direct')).toBeVisible();
    await expect(regulator.getByTestId('link-quality')).toHaveText('Pas de vidéo sur ce navigateur : photos seulement');

    // The regulator's photo comes from the camera's preview on the phone, over
    // HTTP. The phone waits for the preview's first frame (up to 8 s) when asked
    // before it; WebKitGTK's first camera start can take longer under load, so
    // the photo is asked once the preview plays.
    await caller.videoPlays('video');
    await assist.snapshot.click();
    await expect(assist.gallery).toHaveCount(1);
    await caller.sees('Le médecin a pris une photo.');

    const photo = testInfo.outputPath('plaie.png');
    writeFileSync(photo, PHOTO);
    await caller.driver.findElement({ css: '#photo-input' }).then((input) => input.sendKeys(photo));
    await caller.sees('Photo envoyée au médecin.');
    await expect(assist.gallery).toHaveCount(2);

    // This WebKitGTK (2.50 on Debian's GStreamer 1.22) offers MP4 recording,
    // as Safari does, but its recorder delivers no bytes: the page says so
    // rather than sending an empty clip, and points to photos.
    await (await caller.button('Filmer une vidéo courte')).click();
    await (await caller.button('Arrêter et envoyer')).click();
    await caller.sees('La vidéo n\'a pas pu être envoyée. Réessayez ou envoyez une photo.');
    await expect(regulator.getByRole('listitem').locator('video[aria-label^="Vidéo courte"]')).toHaveCount(0);
  } finally {
    await caller.close();
  }
});

for (const engine of ['firefox', 'webkit'] as const) {
  test(`a patient on ${engine} joins a follow-up and sends a questionnaire without network, stored once when it returns`, async ({ browser, baseURL }) => {
    const gp = await clinicianPage(browser, GP);
    const desk = new MonitoringDesk(gp);
    await desk.goto();
    const number = engine === 'firefox' ? '06 55 44 33 01' : '06 55 44 33 02';
    // French chosen by the GP: the page opens in it whatever the phone's own
    // language (WebKit's MiniBrowser says en-US whatever its environment).
    const id = await desk.enrol({ lastName: 'Moreau', firstName: 'Jeanne', birthDate: '1961-07-02', phone: number, email: `jeanne.${engine}.${Date.now()}@example.org` }, 'fr');
    await desk.goto();
    const link = await CuttableLink.to(baseURL!);
    const patient = await phone(engine);
    const stored = async () => {
      const detail = await (await gp.request.get(`/api/v1/followups/${id}`)).json();
      return detail.submissions as { day: number }[];
    };
    try {
      await patient.open((await desk.smsLink(number)).replace(/^https?:\/\/[^/]+/, link.origin));
      await patient.fill('Votre date de naissance', '1961-07-02');
      await (await patient.button('J\'accepte et je commence')).click();
      await patient.sees('Suivi Covid-19 à domicile');
      // The form is on the page before the network goes.
      await patient.sees('Votre température');

      link.cut();
      await patient.fill('Votre température', '38,2');
      await patient.fill('Votre saturation en oxygène (oxymètre)', '91');
      await patient.choose('essoufflé', 'À l\'effort');
      await patient.choose('Toussez-vous', 'Non');
      await patient.fill('Votre état général', '6');
      await (await patient.button('Envoyer mes réponses')).click();
      // Kept in the engine's IndexedDB, not lost.
      await patient.sees('Pas de réseau : vos réponses sont gardées sur ce téléphone');
      expect(await stored()).toEqual([]);

      // The network is back and she opens the page again: sent, once.
      link.restore();
      await patient.driver.navigate().refresh();
      await patient.sees('Merci, vos réponses sont envoyées.');
      expect((await stored()).map((s) => s.day)).toEqual([1]);
      // Read back as sent: the comma decimal and the slider's value.
      expect(JSON.stringify((await stored())[0])).toContain('38.2');
      await patient.driver.navigate().refresh();
      await patient.sees('Mes réponses');
      expect((await stored()).map((s) => s.day)).toEqual([1]);
    } finally {
      await patient.close();
      await link.close();
    }
  });
}
