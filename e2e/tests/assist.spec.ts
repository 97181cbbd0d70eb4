import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, expectUsableLayout, overflowsWidth } from '../axe';
import { expireLink } from '../clock';
import { AssistDesk, CallerPage, callerContext, regulatorPage } from '../pages/assist';
import { ANNOUNCED_GIANT, PHOTO } from '../images';
import { newsWithin } from '../live';
import { videoDegradation, watchPeerConnections } from '../relay';

test('a regulator sees the caller\'s camera, takes a photo, decides, and the timeline tells it all', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const note = 'Chute dans l\'escalier, douleur à la hanche';
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78', note);
  await expect(assist.state).toHaveText('En attente de l\'appelant');
  // What the regulator noted stays in view on the case, and on the desk.
  await expect(regulator.getByTestId('case-note')).toContainText(note);
  const link = await assist.link();

  const phone = await callerContext(browser);
  const caller = new CallerPage(await phone.newPage());
  // The regulator learns at once, without a reload, that the caller opened the link, then accepted.
  const opening = (r: { url(): string; request(): { method(): string } }) =>
    r.url().includes('/api/v1/patient/assist/') && r.request().method() === 'GET';
  await newsWithin(caller.page, opening, () => caller.page.goto(link),
    assist.state.filter({ hasText: 'L\'appelant a ouvert le lien' }), 'link opened');
  await expect(caller.heading).toHaveText('SAMU 54 – Centre 15 de Nancy vous demande de montrer la situation en vidéo.');
  await caller.accept.click();
  await expect(caller.status).toHaveText('Le médecin vous voit.');

  await expect(assist.state).toHaveText('Vidéo en direct');
  await assist.videoPlays();
  const size = await assist.video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight]);
  expect(size[0]).toBeGreaterThan(0);
  await expect(regulator.getByTestId('quality')).toContainText('×');
  // In words first: a direct link on this machine carries a good picture.
  await expect(regulator.getByTestId('link-quality')).toHaveText('Image bonne');
  await expect(regulator.getByTestId('relayed')).toHaveCount(0);
  // "Renvoyer un nouveau lien" beside "Terminer la vidéo" asks first; keeping
  // the video changes nothing.
  await regulator.getByRole('button', { name: 'Renvoyer un nouveau lien' }).click();
  await regulator.getByRole('button', { name: 'Garder la vidéo' }).click();
  await expect(regulator.getByRole('alertdialog')).toHaveCount(0);
  await expect(assist.state).toHaveText('Vidéo en direct');
  await expectUsableLayout(regulator);
  await expectUsableLayout(caller.page);

  await assist.snapshot.click();
  await expect(assist.gallery).toHaveCount(1);
  await expect(caller.page.getByText('Le médecin a pris une photo.')).toBeVisible();
  // The stored image shows the camera's picture, not a blank frame.
  const distinctColours = await assist.gallery.first().evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  });
  expect(distinctColours).toBeGreaterThan(20);

  await assist.decide('Ambulance', 'Suspicion de fracture de la cheville');
  // The timeline in words: the decision's name, the consent's text and language.
  await expect(assist.timeline.last()).toContainText('Décision — Ambulance — Suspicion de fracture de la cheville');
  await expect(regulator.locator('[data-kind="consent_given"]')).toContainText('Consentement donné — texte n° 1, lu en français');
  await expect(regulator.locator('[data-kind="sms_sent"]')).toContainText('SMS envoyé — 06 12 34 56 78');
  const kinds = await assist.timelineKinds();
  expect(kinds.slice(0, 4)).toEqual(['created', 'sms_sent', 'link_opened', 'consent_given']);
  const order = ['call_started', 'snapshot', 'decision'].map((k) => kinds.indexOf(k));
  expect(order.every((i) => i > 3)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);

  // The caller stops, after saying yes (a stray tap changes nothing): the
  // regulator sees it. The caller can restart the video with the same link.
  await caller.page.getByRole('button', { name: 'Arrêter la vidéo' }).click();
  await caller.page.getByRole('button', { name: 'Continuer la vidéo' }).click();
  await expect(caller.status).toHaveText('Le médecin vous voit.');
  await caller.page.getByRole('button', { name: 'Arrêter la vidéo' }).click();
  await expect(caller.page.getByRole('alertdialog')).toContainText('Le médecin ne verra plus rien');
  await caller.page.getByRole('button', { name: 'Oui, arrêter' }).click();
  await expect(caller.heading).toHaveText('Vidéo arrêtée');
  await expect(assist.state).toHaveText('En attente de l\'appelant');
  // The caller's last frame is not left on screen as if live, nor its figures.
  await expect.poll(() => assist.video.evaluate((v: HTMLVideoElement) => v.srcObject === null)).toBe(true);
  await expect(regulator.getByTestId('quality')).toHaveText('');
  await caller.page.getByRole('button', { name: 'Relancer la vidéo' }).click();
  await expect(caller.status).toHaveText('Le médecin vous voit.');
  await expect(assist.state).toHaveText('Vidéo en direct');

  // The month's activity counts this assist as one that reached video, decided "ambulance".
  await regulator.goto('/console/assist/usage');
  // Named as people say it ("décembre 2026"), the month cut in UTC as the figures are.
  const month = new Date().toLocaleDateString('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const row = regulator.getByTestId('usage').getByRole('row').filter({ hasText: month });
  await expect(row).toContainText('Ambulance');
  const reached = Number((await row.getByRole('cell').nth(1).textContent())!.split(' ')[0]);
  expect(reached).toBeGreaterThanOrEqual(1);
  await phone.close();
  await regulator.context().close();
});

test('opening a link consumes nothing; one phone only; a replaced link says so', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('+33 7 98 76 54 32');
  const link = await assist.link();

  // A messaging app's preview bot fetches the page: the link stays usable.
  const preview = await browser.newContext();
  expect((await preview.request.get(link)).status()).toBe(200);
  await preview.close();

  const first = await callerContext(browser);
  const caller = new CallerPage(await first.newPage());
  await caller.page.goto(link);
  await caller.accept.click();
  await expect(caller.status).toBeVisible();

  const second = await callerContext(browser);
  const intruder = new CallerPage(await second.newPage());
  await intruder.page.goto(link);
  await expect(intruder.heading).toHaveText('Lien déjà utilisé');
  await expect(intruder.accept).toHaveCount(0);

  // The regulator resends during the live video: told first that it cuts the
  // caller off, then the old link says to ask for a new one.
  await expect(assist.state).toHaveText('Vidéo en direct');
  await regulator.getByRole('button', { name: 'Renvoyer un nouveau lien' }).click();
  await expect(regulator.getByRole('alertdialog')).toContainText('un nouveau lien la coupera');
  await regulator.getByRole('button', { name: 'Couper et envoyer un nouveau lien' }).click();
  await expect(regulator.getByText('Un nouveau lien a été envoyé')).toBeVisible();
  await intruder.page.reload();
  await expect(intruder.heading).toHaveText('Ce lien n\'est plus valable');
  const newLink = await assist.link();
  expect(newLink).not.toBe(link);
  await intruder.page.goto(newLink);
  await expect(intruder.accept).toBeVisible();
  await Promise.all([first.close(), second.close(), regulator.context().close()]);
});

test('a link opened too late says to ask for a new text message', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const link = await (await new AssistDesk(regulator).start('06 11 22 33 44')).link();
  const phone = await callerContext(browser);
  const caller = new CallerPage(await phone.newPage());
  await caller.page.goto(link);
  await expect(caller.accept).toBeVisible();

  // The caller leaves the page open past the link's lifetime, then taps Accept.
  await expireLink(link);
  await caller.accept.click();
  await expect(caller.heading).toHaveText('Ce lien n\'est plus valable');
  await expect(caller.page.getByText('Demandez au médecin régulateur de vous envoyer un nouveau SMS.')).toBeVisible();
  await caller.page.reload();
  await expect(caller.heading).toHaveText('Ce lien n\'est plus valable');
  await expect(caller.accept).toHaveCount(0);
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('a caller sends a photo by hand and it lands in the case', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('0612345678');
  const phone = await callerContext(browser);
  const caller = new CallerPage(await phone.newPage());
  await caller.page.goto(await assist.link());
  await caller.accept.click();

  // A photo with far too many pixels is refused, and the caller is told why.
  await caller.page.locator('#photo-input').setInputFiles({ name: 'geante.png', mimeType: 'image/png', buffer: ANNOUNCED_GIANT });
  await expect(caller.page.getByRole('status').filter({ hasText: 'Cette image a trop de pixels' })).toBeVisible();
  await caller.page.locator('#photo-input').setInputFiles({ name: 'plaie.png', mimeType: 'image/png', buffer: PHOTO });
  await expect(caller.page.getByText('Photo envoyée au médecin.')).toBeVisible();
  await regulator.reload();
  await expect(assist.gallery).toHaveCount(1);
  expect(await assist.timelineKinds()).toContain('photo');
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('the caller page fits a 320 px phone and has no serious accessibility violation', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 11 22 33 44');
  const link = await assist.link();
  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(link);
  await expect(page.getByRole('button', { name: 'Accepter la vidéo' })).toBeVisible();
  expect(await blockingViolations(page)).toEqual([]);
  expect(await overflowsWidth(page)).toBe(false);
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('the regulator asks for the location and the sound, then switches to photos only', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78');
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'fr-FR',
    permissions: ['geolocation'],
    geolocation: { latitude: 48.6924, longitude: 6.1844, accuracy: 30 },
  });
  const caller = new CallerPage(await phone.newPage());
  await caller.page.goto(await assist.link());
  await caller.accept.click();
  await expect(assist.state).toHaveText('Vidéo en direct');

  // Chromium's fake camera has no torch: the console does not offer one.
  await expect(regulator.getByRole('button', { name: 'Prendre une photo' })).toBeEnabled();
  await expect(regulator.getByRole('button', { name: 'Allumer la lampe' })).toHaveCount(0);

  // Location: asked by the regulator, given by the caller's own tap.
  await regulator.getByRole('button', { name: 'Demander la position' }).click();
  await expect(caller.page.getByText('Le médecin demande où vous êtes.')).toBeVisible();
  await caller.page.getByRole('button', { name: 'Partager ma position' }).click();
  await expect(regulator.getByText('Position reçue.')).toBeVisible();
  await expect(assist.timeline.last()).toContainText('48.692400, 6.184400 ±30 m');
  const map = assist.timeline.last().getByRole('link', { name: 'Voir sur la carte' });
  await expect(map).toHaveAttribute('href', /mlat=48\.692400&mlon=6\.184400/);

  // Sound: off by default, on when the caller accepts.
  await expect(assist.video).toHaveJSProperty('muted', true);
  await regulator.getByRole('button', { name: 'Demander le son' }).click();
  await caller.page.getByRole('button', { name: 'Activer le micro' }).click();
  await expect(regulator.getByText('Le son de l\'appelant est activé.')).toBeVisible();
  await expect(regulator.getByRole('button', { name: 'Couper le son' })).toBeVisible();
  await expect(assist.video).toHaveJSProperty('muted', false);
  await regulator.waitForFunction(() => {
    const video = document.querySelector('video.remote-video') as HTMLVideoElement;
    return (video.srcObject as MediaStream | null)?.getAudioTracks().length === 1;
  });

  // Photos only: the caller's camera stops and photos still reach the case.
  await expect(assist.state).toHaveText('Vidéo en direct');
  await regulator.getByRole('button', { name: 'Photos seulement' }).click();
  await expect(caller.page.getByRole('heading', { name: 'Le médecin préfère des photos' })).toBeVisible();
  await expect(regulator.getByText('L\'appelant est passé en mode photos.')).toBeVisible();
  // A photo with far too many pixels is refused, and the caller is told why.
  await caller.page.locator('#photo-input').setInputFiles({ name: 'geante.png', mimeType: 'image/png', buffer: ANNOUNCED_GIANT });
  await expect(caller.page.getByRole('status').filter({ hasText: 'Cette image a trop de pixels' })).toBeVisible();
  await caller.page.locator('#photo-input').setInputFiles({ name: 'plaie.png', mimeType: 'image/png', buffer: PHOTO });
  await expect(caller.page.getByText('Photo envoyée au médecin.')).toBeVisible();

  // Video again when the regulator asks: the caller's camera restarts, frames flow again.
  const frames = () => assist.video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const before = await frames();
  await regulator.getByRole('button', { name: 'Reprendre la vidéo' }).click();
  await expect(regulator.getByText('La vidéo de l\'appelant reprend.')).toBeVisible();
  await expect(caller.page.getByRole('heading', { name: 'Le médecin préfère des photos' })).toBeHidden();
  await expect.poll(frames).toBeGreaterThan(before + 10);
  await expect(regulator.getByRole('button', { name: 'Photos seulement' })).toBeVisible();

  await regulator.reload();
  await expect(assist.gallery).toHaveCount(1);
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('the regulator favours fluidity over sharpness, asks for sound only, then video again', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 12 34 56 78');
  const phone = await callerContext(browser);
  const page = await phone.newPage();
  await watchPeerConnections(page);
  const caller = new CallerPage(page);
  await page.goto(await assist.link());
  await caller.accept.click();
  await expect(assist.state).toHaveText('Vidéo en direct');

  // Sharpness by default (a wound, a rash); fluidity (breathing) when the
  // regulator chooses it: the phone's video sender is told, on the live call.
  const sharpness = regulator.getByRole('radio', { name: 'la netteté (plaie, éruption)' });
  const fluidity = regulator.getByRole('radio', { name: 'la fluidité (respiration, gestes)' });
  await expect(sharpness).toBeChecked();
  await expect.poll(() => videoDegradation(page)).toBe('maintain-resolution');
  await fluidity.check();
  await expect.poll(() => videoDegradation(page)).toBe('maintain-framerate');
  // A console opened again shows the default, and the phone is told so when they reconnect.
  await regulator.reload();
  await expect(assist.state).toHaveText('Vidéo en direct');
  await expect(sharpness).toBeChecked();
  await expect.poll(() => videoDegradation(page)).toBe('maintain-resolution');

  // Sound only: the camera stops, the caller is told why and asked for the microphone.
  await regulator.getByRole('button', { name: 'Son seulement' }).click();
  await expect(page.getByRole('heading', { name: 'Le médecin n\'a plus besoin de la vidéo' })).toBeVisible();
  await expect(regulator.getByText('Vidéo de l\'appelant coupée : son seulement.')).toBeVisible();
  await expect(regulator.getByTestId('link-quality')).toHaveText('Son seulement');
  await expect(regulator.getByRole('button', { name: 'Prendre une photo' })).toBeDisabled();
  await expect(fluidity).toHaveCount(0);
  await page.getByRole('button', { name: 'Activer le micro' }).click();
  await expect(regulator.getByText('Le son de l\'appelant est activé.')).toBeVisible();
  // What reaches the console: the caller's voice, and no picture.
  await regulator.waitForFunction(() => {
    const stream = (document.querySelector('video.remote-video') as HTMLVideoElement).srcObject as MediaStream | null;
    return stream?.getAudioTracks().length === 1 && stream.getVideoTracks().every((t) => t.readyState === 'ended' || t.muted);
  });
  await expect.poll(() => videoDegradation(page)).toBeNull();

  // Video again: the camera restarts, with the regulator's choice, and frames flow.
  await regulator.getByRole('button', { name: 'Reprendre la vidéo' }).click();
  await expect(page.getByRole('heading', { name: 'Le médecin n\'a plus besoin de la vidéo' })).toBeHidden();
  await expect(regulator.getByText('La vidéo de l\'appelant reprend.')).toBeVisible();
  await expect.poll(() => videoDegradation(page)).toBe('maintain-resolution');
  await expect(sharpness).toBeVisible();
  await Promise.all([phone.close(), regulator.context().close()]);
});
