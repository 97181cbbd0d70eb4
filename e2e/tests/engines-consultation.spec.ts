// The patient's side of a teleconsultation on Firefox ESR and WebKitGTK
// (e2e/engines.ts), the GP in Chromium.
import { expect, type Page } from '@playwright/test';
import { test } from '../fixtures';
import { phone, type Engine, type Phone } from '../engines';
import { clinicianPage } from '../pages/assist';
import { ConsultationRoom, invitation } from '../pages/consultation';
import { GP } from '../pages/login-page';

/** An appointment for a patient whose phone runs `engine`, the GP on its page. */
async function appointment(engine: Engine, gpPage: Page, baseURL: string) {
  const birthDate = engine === 'firefox' ? '1972-05-09' : '1968-11-23';
  const { id, link } = await invitation(gpPage, {
    lastName: 'Petit', firstName: engine === 'firefox' ? 'Louise' : 'Hugo', birthDate,
    phone: engine === 'firefox' ? '06 77 88 99 01' : '06 77 88 99 02',
    // Booked in French: the page follows the phone's language otherwise, and
    // WebKit's MiniBrowser reports en-US whatever its environment.
    language: 'fr',
  });
  await gpPage.goto(`/console/consultations/${id}`);
  return { room: new ConsultationRoom(gpPage), link: link.replace(/^https?:\/\/[^/]+/, baseURL), birthDate };
}

/** The patient and the GP write to each other. */
async function theyWrite(patient: Phone, room: ConsultationRoom) {
  await patient.fill('Votre message', 'Bonjour docteur');
  await (await patient.button('Envoyer', { exact: true })).click();
  await expect(room.chat).toContainText('Bonjour docteur');
  await room.say('Bonjour, je vous lis.');
  await patient.sees('Bonjour, je vous lis.');
}

test('a patient on Firefox: date of birth, microphone heard, waiting room, video both ways with the GP in Chromium, sound after a tap, chat', async ({ browser, baseURL }) => {
  const gpPage = await clinicianPage(browser, GP);
  const { room, link, birthDate } = await appointment('firefox', gpPage, baseURL!);
  const patient = await phone('firefox');
  try {
    await patient.open(link);
    await patient.fill('Votre date de naissance', birthDate);
    await (await patient.button('J\'accepte et je continue')).click();
    await patient.sees('Vérifions votre caméra et votre micro');
    // Firefox's fake microphone plays a tone: the meter hears it.
    await patient.sees('Le micro vous entend.');
    await patient.videoPlays('video.preview');
    await (await patient.button('Entrer en salle d\'attente')).click();
    await patient.sees('va vous recevoir');
    await expect(room.status).toHaveText('En salle d\'attente');

    // Back after a reload, without a tap since: Firefox, like an iPhone,
    // refuses to play the doctor's voice until the patient touches the page.
    await patient.driver.navigate().refresh();
    await patient.sees('Salle d\'attente');
    await room.admit();
    await room.patientVideoPlays();
    await patient.videoPlays('video.remote-video');
    expect(await patient.script<boolean>('return document.querySelector("video.remote-video").muted')).toBe(true);
    await (await patient.button('Touchez ici pour entendre le son')).click();
    await patient.driver.wait(() => patient.script<boolean>('const v = document.querySelector("video.remote-video"); return !v.muted && !v.paused;'), 10_000);

    await theyWrite(patient, room);
  } finally {
    await patient.close();
  }
});

test('a patient on WebKit, whose build has no WebRTC: told before entering, waits, and writes with the GP, who is told why there is no video', async ({ browser, baseURL }) => {
  const gpPage = await clinicianPage(browser, GP);
  const { room, link, birthDate } = await appointment('webkit', gpPage, baseURL!);
  const patient = await phone('webkit');
  try {
    await patient.open(link);
    // Before the link is bound to this browser: another one can still open it.
    await patient.sees('Pour voir le médecin, ouvrez ce lien dans Safari, Chrome ou Firefox.');
    await patient.fill('Votre date de naissance', birthDate);
    await (await patient.button('J\'accepte et je continue')).click();
    await patient.sees('Pas d\'appel vidéo sur ce navigateur');
    await (await patient.button('Entrer en salle d\'attente')).click();
    await patient.sees('va vous recevoir');

    await room.admit();
    await expect(gpPage.getByRole('heading', { name: 'Patient présent, sans vidéo' })).toBeVisible();
    await expect(gpPage.getByText('Le navigateur du patient ne permet pas l\'appel vidéo')).toBeVisible();
    await patient.sees('Le médecin est avec vous');
    await patient.sees('échangez avec le médecin par écrit');

    await theyWrite(patient, room);
  } finally {
    await patient.close();
  }
});
