import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, expectUsableLayout, overflowsWidth } from '../axe';
import { AssistCase, CallerPage, regulatorPage } from '../pages/assist';
import { videoPlays } from '../pages/video';
import { Residents, RingingCall, nurseTablet } from '../pages/nursing-home';
import { PHOTO } from '../images';

test('a nurse calls the SAMU about a resident from the tablet; the call rings until a regulator takes it; video both ways; the decision lands in the resident\'s history', async ({ browser }) => {
  const tablet = await nurseTablet(browser);
  const residents = new Residents(tablet);
  await residents.open('12', 'Moreau Jeanne');
  await expect(tablet.getByRole('heading', { level: 1 })).toHaveText('Jeanne Moreau');
  await expect(residents.history).toHaveCount(0);
  await expectUsableLayout(tablet);
  // An empty reason is not sent.
  await residents.call.click();
  await expect(tablet.getByRole('alert')).toHaveText('Remplissez les champs obligatoires.');
  const resident = tablet.url();
  await residents.reason.fill('Chute dans la chambre, douleur à la hanche droite');
  // Without network the tablet says so plainly, and keeps the reason typed.
  await tablet.context().setOffline(true);
  await residents.call.click();
  await expect(tablet.getByRole('alert')).toContainText('Un appel au SAMU a besoin du réseau');
  await expect(residents.reason).toHaveValue('Chute dans la chambre, douleur à la hanche droite');
  await tablet.context().setOffline(false);
  // As on an iPad where the app is installed: asked for the camera at every opening.
  await tablet.context().addInitScript(() => Object.defineProperty(navigator, 'standalone', { value: true }));
  await residents.call.click();

  // The tablet becomes the caller: the same page a phone opens from a text message.
  await expect(tablet).toHaveURL(/\/v\/[A-Za-z0-9_-]+$/);
  const caller = new CallerPage(tablet);
  await expect(tablet.getByText('L\'application installée redemande l\'accès à la caméra à chaque ouverture')).toBeVisible();
  await caller.accept.click();
  await tablet.locator('#photo-input').setInputFiles({ name: 'hanche.png', mimeType: 'image/png', buffer: PHOTO });
  await expect(tablet.getByText('Photo envoyée au médecin.')).toBeVisible();
  // A short clip of the resident, recorded from the live camera and sent with its progress.
  await tablet.getByRole('button', { name: 'Filmer une vidéo courte' }).click();
  // The countdown runs (from 30 s; a busy machine may not catch every second).
  await expect(tablet.getByText(/^Enregistrement… encore [12]\d s$/)).toBeVisible();
  await tablet.getByRole('button', { name: 'Arrêter et envoyer' }).click();
  await expect(tablet.getByText('Vidéo envoyée au médecin.')).toBeVisible();

  const regulator = await regulatorPage(browser);
  const ringing = new RingingCall(regulator);
  await expect(ringing.banner).toContainText('EHPAD Les Tilleuls — Jeanne Moreau, chambre 12');
  await expect(ringing.banner).toContainText('Chute dans la chambre');
  await expect(regulator).toHaveTitle(/^\(\d+\) Appel d'un EHPAD – Regard$/);
  await ringing.take('Jeanne Moreau');

  const assist = new AssistCase(regulator);
  await expect(regulator.getByTestId('nursing-home-call')).toContainText('Né(e) le 12/05/1934');
  await expect(assist.state).toHaveText('Vidéo en direct');
  await assist.videoPlays();
  await expect(caller.status).toHaveText('Le médecin vous voit.');
  // Both ways: nobody at the home is on the phone, so the regulator turns on
  // their camera and microphone; the tablet sees and hears them.
  await regulator.getByRole('button', { name: 'Activer ma caméra et mon micro' }).click();
  await videoPlays(tablet, 'video.regulator-video');
  const fromRegulator = tablet.locator('video.regulator-video');
  await expect(fromRegulator).toHaveJSProperty('muted', false);
  expect(await fromRegulator.evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream).getAudioTracks().length)).toBe(1);
  await assist.videoPlays();
  await expect(regulator.getByRole('button', { name: 'Couper ma caméra et mon micro' })).toBeVisible();
  await expect(assist.gallery).toHaveCount(1);
  // The clip plays in the case: a real recording with a duration.
  const clip = regulator.getByRole('listitem').locator('video[aria-label^="Vidéo courte"]');
  await expect(clip).toHaveCount(1);
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  await expect(regulator.getByRole('button', { name: 'Renvoyer un nouveau lien' })).toHaveCount(0);
  await assist.decide('Médecin généraliste', 'Pas de fracture évidente : visite du médecin traitant ce soir');
  const kinds = await assist.timelineKinds();
  expect(kinds.slice(0, 5)).toEqual(['requested', 'link_opened', 'consent_given', 'photo', 'clip']);
  expect(kinds).toContain('taken');
  expect(kinds[kinds.length - 1]).toBe('decision');
  // Taken: it rings no more.
  await expect(ringing.banner.locator('li').filter({ hasText: 'Jeanne Moreau' })).toHaveCount(0);

  await tablet.goto(resident);
  const call = residents.history.first();
  await expect(call).toContainText('Décision : Médecin généraliste (Dr Claire Martin)');
  await expect(call).toContainText('visite du médecin traitant ce soir');
  await expect(call).toContainText('Demandé par Sophie Bernard');
  await Promise.all([tablet.context().close(), regulator.context().close()]);
});

test('a nurse adds a resident; the tablet pages fit portrait and landscape with no serious accessibility violation', async ({ browser }) => {
  const tablet = await nurseTablet(browser);
  const residents = new Residents(tablet);
  await tablet.getByRole('link', { name: 'Résidents' }).click();
  for (const size of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }]) {
    await tablet.setViewportSize(size);
    expect(await blockingViolations(tablet)).toEqual([]);
    expect(await overflowsWidth(tablet)).toBe(false);
  }
  // A date of birth in the future is refused in words; what was typed stays.
  await tablet.getByLabel('Nom', { exact: true }).fill('Garnier');
  await tablet.getByLabel('Prénom', { exact: true }).fill('Lucienne');
  await tablet.getByLabel('Date de naissance').fill('2099-01-01');
  await tablet.getByLabel('Chambre', { exact: true }).fill('4');
  await tablet.getByRole('button', { name: 'Ajouter le résident' }).click();
  await expect(tablet.getByRole('alert')).toBeVisible();
  await expect(tablet.getByLabel('Nom', { exact: true })).toHaveValue('Garnier');
  await tablet.getByLabel('Date de naissance').fill('1936-07-14');
  await tablet.getByRole('button', { name: 'Ajouter le résident' }).click();
  await expect(tablet.getByRole('heading', { level: 1 })).toHaveText('Lucienne Garnier');
  await expect(tablet.getByText('Chambre 4')).toBeVisible();
  expect(await blockingViolations(tablet)).toEqual([]);
  // A specialist's opinion about her starts with who she is filled in.
  await tablet.getByRole('link', { name: 'Demander un avis spécialisé (télé-expertise)' }).click();
  await expect(tablet.getByLabel('Nom du patient')).toHaveValue('Garnier');
  await expect(tablet.getByLabel('Date de naissance')).toHaveValue('1936-07-14');
  expect(await blockingViolations(tablet)).toEqual([]);
  // Found again from the list by a few letters.
  await residents.open('garn', 'Garnier Lucienne');
  await tablet.context().close();
});

test('the tablet stays signed in for the shift and locks with a PIN between uses; five wrong PINs end the session', async ({ browser }) => {
  const tablet = await nurseTablet(browser);
  const newPin = tablet.getByLabel('Nouveau code (4 à 8 chiffres)');
  await newPin.fill('12');
  await tablet.getByRole('button', { name: 'Enregistrer le code' }).click();
  await expect(tablet.getByRole('alert')).toContainText('4 à 8 chiffres');
  await newPin.fill('4821');
  await tablet.getByRole('button', { name: 'Enregistrer le code' }).click();
  await expect(tablet.getByText('Code enregistré.')).toBeVisible();

  await tablet.getByRole('link', { name: 'Résidents', exact: true }).click();
  await tablet.getByRole('button', { name: 'Verrouiller' }).click();
  const locked = tablet.getByRole('heading', { name: 'Session verrouillée' });
  await expect(locked).toBeVisible();
  await expect(tablet.getByText('Session de Sophie Bernard.')).toBeVisible();
  await expect(tablet.getByRole('link', { name: 'Résidents', exact: true })).toHaveCount(0);
  // The lock is the server's: reloading the page does not open it.
  await tablet.reload();
  await expect(locked).toBeVisible();
  expect(await blockingViolations(tablet)).toEqual([]);

  const pin = tablet.getByLabel('Code', { exact: true });
  const unlock = tablet.getByRole('button', { name: 'Déverrouiller' });
  await pin.fill('0000');
  await unlock.click();
  await expect(tablet.getByRole('alert')).toContainText('Code incorrect');
  await pin.fill('4821');
  await unlock.click();
  await expect(tablet.getByRole('heading', { name: 'Résidents', level: 1 })).toBeVisible();

  await tablet.getByRole('button', { name: 'Verrouiller' }).click();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await pin.fill('9999');
    await unlock.click();
    await expect(pin).toHaveValue('');
  }
  await pin.fill('9999');
  await unlock.click();
  await expect(tablet).toHaveURL(/\/login$/);
  await tablet.context().close();
});
