import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, expectUsableLayout, overflowsWidth } from '../axe';
import { messagesTo } from '../mailbox';
import { clinicianPage } from '../pages/assist';
import { ConsultationDesk, PatientConsultation, PharmacyCheck, invitationLink, patientPhone } from '../pages/consultation';
import { DEMO_PASSWORD, GP, LoginPage, PHARMACIST } from '../pages/login-page';
import { PHOTO } from '../images';
import { newsWithin } from '../live';
import { pdfText } from '../pdf';

test('a GP invites; the patient checks their devices and waits; they see and write to each other, exchange a file; the prescription is verified and dispensed once; the claim is recorded; the report reaches the patient', async ({ browser }) => {
  // The whole journey (invitation, device check, video, chat, file, prescription at the pharmacy, claim, report)
  // in three browsers: about a minute on an idle 2-core machine, up to three on a busy one.
  test.setTimeout(240_000);
  const email = `marie.dupont.${Date.now()}@example.org`;
  const gpPage = await clinicianPage(browser, GP);
  const desk = new ConsultationDesk(gpPage);
  await desk.goto();
  const room = await desk.schedule({
    lastName: 'Dupont', firstName: 'Marie', birthDate: '1958-03-14', phone: '06 98 76 54 32', email,
    at: new Date(Date.now() + 10 * 60_000), reason: 'Renouvellement de traitement',
  });
  await expect(gpPage.getByText('envoyée')).toHaveCount(2);
  await expect(gpPage.locator('dl.identity')).toContainText('14/03/1958');
  await expect(room.status).toHaveText('Invité');

  // The invitation reached the real SMTP server, and the outbox holds the same link.
  await expect.poll(() => messagesTo(email).length).toBe(1);
  const mail = messagesTo(email)[0];
  const link = mail.match(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]+/)![0];
  expect(mail).toContain('Dr Paul Durand');
  await desk.goto();
  await expectUsableLayout(gpPage);
  expect(await desk.smsLink('06 98 76 54 32')).toBe(link);
  await gpPage.goBack();

  const phone = await patientPhone(browser);
  const patient = new PatientConsultation(await phone.newPage());
  await patient.page.goto(link);
  await expect(patient.heading).toHaveText('Téléconsultation avec Dr Paul Durand');
  await expectUsableLayout(patient.page);
  await patient.enter('1958-03-15');
  await expect(patient.page.getByRole('alert')).toContainText('ne correspond pas');
  await patient.enter('1958-03-14');
  await expect(patient.heading).toHaveText('Vérifions votre caméra et votre micro');
  await expect(patient.page.locator('video.preview')).toBeVisible();
  // Chromium's fake microphone beeps (about -36 dBFS): the level must rise past
  // the "heard" mark, 20 on the meter's 0-100 scale (-48 dBFS).
  await expect(patient.page.getByText('Le micro vous entend.')).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => patient.micLevel(), { timeout: 10_000, intervals: [100] }).toBeGreaterThan(20);
  // The GP cannot miss it: banner and tab title, on any console page, at once.
  // (Other tests running beside this one may have patients waiting too.)
  const waitingBanner = gpPage.getByRole('alert').filter({ hasText: 'Marie Dupont vous attend' });
  const waits = (r: { url(): string }) => r.url().endsWith('/api/v1/patient/consultation/waiting');
  await newsWithin(patient.page, waits, () => patient.toWaitingRoom(), waitingBanner, 'waiting room');
  await expect(patient.page.getByRole('status').first()).toContainText('Dr Paul Durand va vous recevoir');
  // A reload brings the patient straight back to the waiting room, not through the device check.
  await patient.page.reload();
  await expect(patient.heading).toHaveText('Salle d\'attente');
  await expect(waitingBanner).toBeVisible();
  await expect(gpPage).toHaveTitle(/^\(\d+\) Patient en salle d'attente/);
  await room.admit();
  await room.patientVideoPlays();
  await patient.doctorVideoPlays();
  await expect(waitingBanner).toHaveCount(0);
  // The admit reply and the news of it both reach the GP's page: it joins the
  // room once (a second socket makes the patient offer twice and can leave
  // the two sides holding answers to different offers).
  expect(room.sockets).toHaveLength(1);

  await patient.say('Bonjour docteur');
  await expect(room.chat).toContainText('Bonjour docteur');
  await room.say('Bonjour Madame, je vous vois bien.');
  await expect(patient.chat).toContainText('Bonjour Madame, je vous vois bien.');
  // Both sides can see what they type, on a phone and on a desktop.
  await expectUsableLayout(gpPage);
  await expectUsableLayout(patient.page);

  // A PNG from the patient's phone reaches the GP, byte for byte.
  await patient.upload('analyse.png', 'image/png', PHOTO);
  await expect(room.documents.filter({ hasText: 'analyse.png' })).toBeVisible();
  const download = await gpPage.request.get((await room.documents.first().getAttribute('href'))!);
  expect(download.headers()['content-type']).toBe('image/png');
  expect(Buffer.compare(await download.body(), PHOTO)).toBe(0);

  // A signed prescription: the patient gets a real PDF holding its identifier,
  // a pharmacist (signed in after scanning) verifies it and dispenses it once.
  const rx = await room.prescribe({ medicine: 'Amlodipine 5 mg', dosage: '1 comprimé le matin', duration: '3 mois', quantity: '3 boîtes' });
  await expect(patient.prescription(rx)).toBeVisible();
  const pdf = await patient.page.request.get((await patient.prescription(rx).getAttribute('href'))!);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const pdfBytes = await pdf.body();
  expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
  // Its text as a reader gets it: the identifier, the name, dates in French.
  const rxText = pdfText(pdfBytes);
  expect(rxText).toContain(`Identifiant : ${rx}`);
  expect(rxText).toContain('Patient : Marie DUPONT');
  expect(rxText).toContain('RPPS 10002345675');
  expect(rxText).toContain('Né(e) le 14/03/1958');
  expect(rxText).toMatch(/Date : \d{2}\/\d{2}\/\d{4}/);

  const pharmacy = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'fr-FR' });
  const check = new PharmacyCheck(await pharmacy.newPage());
  await check.page.goto(`/rx/${rx}`);
  await expect(check.page).toHaveURL(/\/login\?next=/);
  const login = new LoginPage(check.page);
  await login.signIn(PHARMACIST, DEMO_PASSWORD);
  await expect(check.page).toHaveURL(new RegExp(`/rx/${rx}$`));
  await expect(check.signature).toContainText('Signature valide');
  await expect(check.page.getByText('Amlodipine 5 mg')).toBeVisible();
  // The prescriber's RPPS number, signed with the rest.
  await expect(check.page.getByTestId('prescriber-id')).toHaveText('RPPS 10002345675');
  // Dates as a French reader writes them.
  await expect(check.page.getByText('Marie Dupont (14/03/1958)')).toBeVisible();
  await expectUsableLayout(check.page);
  await check.dispense.click();
  await expect(check.dispensed).toContainText('Déjà délivrée le');
  await expect(check.dispensed).toContainText('Pharmacie de la Place');
  await expect(check.dispense).toHaveCount(0);
  const second = await check.page.request.post(`/api/v1/prescriptions/${rx}/dispense`);
  expect(second.status()).toBe(409);
  await pharmacy.close();

  await room.writeReport('Tension 13/8. Traitement renouvelé pour 3 mois.');
  await room.end();
  // Tiers payant: ending records the insurance claim; the patient has nothing to pay.
  await expect(gpPage.getByTestId('payment')).toContainText('Tiers payant · 30,00 € · demande de remboursement enregistrée');
  await expect(patient.heading).toHaveText('Consultation terminée');
  await expect(patient.page.getByTestId('payment')).toContainText('rien à payer');
  const receipt = await patient.page.request.get((await patient.page.getByRole('link', { name: 'Reçu (PDF)' }).getAttribute('href'))!);
  expect(receipt.headers()['content-type']).toBe('application/pdf');
  expect((await receipt.body()).subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdfText(await receipt.body())).toContain('Reçu de consultation');
  await desk.goto();
  const csv = await (await gpPage.request.get((await gpPage.getByRole('link', { name: /Exporter les demandes/ }).getAttribute('href'))!)).text();
  expect(csv).toContain(';TCG;30,00;Dupont;Marie;1958-03-14;Dr Paul Durand;');
  await expect(patient.page.getByTestId('report')).toHaveText('Tension 13/8. Traitement renouvelé pour 3 mois.');
  // The same link keeps showing it.
  await patient.page.reload();
  await expect(patient.page.getByTestId('report')).toHaveText('Tension 13/8. Traitement renouvelé pour 3 mois.');
  await Promise.all([phone.close(), gpPage.context().close()]);
});

test('the patient\'s consultation pages fit a 320 px phone and have no serious accessibility violation', async ({ browser }) => {
  const gpPage = await clinicianPage(browser, GP);
  const link = await invitationLink(gpPage, { lastName: 'Martin', firstName: 'Louis', birthDate: '1990-06-01', phone: '07 11 22 33 44' });

  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const patient = new PatientConsultation(await phone.newPage());
  await patient.page.goto(link);
  await expect(patient.heading).toHaveText('Téléconsultation avec Dr Paul Durand');
  expect(await blockingViolations(patient.page)).toEqual([]);
  expect(await overflowsWidth(patient.page)).toBe(false);
  await patient.enter('1990-06-01');
  await expect(patient.page.locator('video.preview')).toBeVisible();
  expect(await blockingViolations(patient.page)).toEqual([]);
  expect(await overflowsWidth(patient.page)).toBe(false);
  await patient.toWaitingRoom();
  expect(await blockingViolations(patient.page)).toEqual([]);
  expect(await overflowsWidth(patient.page)).toBe(false);
  await Promise.all([phone.close(), gpPage.context().close()]);
});

test('a patient who mistypes the date of birth is warned before the last try and told why the link locks', async ({ browser }) => {
  const gpPage = await clinicianPage(browser, GP);
  const link = await invitationLink(gpPage, { lastName: 'Petit', firstName: 'Alice', birthDate: '1975-09-30', phone: '07 22 33 44 55' });
  const phone = await patientPhone(browser);
  const patient = new PatientConsultation(await phone.newPage());
  await patient.page.goto(link);
  const alert = patient.page.getByRole('alert');
  // A date in the future is a slip: said so at once, and not counted.
  await patient.enter('2999-01-01');
  await expect(alert).toHaveText('Saisissez une date de naissance réelle.');
  for (let i = 0; i < 3; i++) {
    await patient.enter('1975-09-29');
    await expect(alert).toContainText('ne correspond pas');
    await expect(alert).not.toContainText('un seul essai');
  }
  await patient.enter('1975-09-28');
  await expect(alert).toContainText('il vous reste un seul essai');
  await patient.enter('1975-09-27');
  await expect(patient.page.getByRole('heading', { level: 1 })).toHaveText('Lien bloqué');
  await expect(patient.page.getByText('demandez un nouveau lien au cabinet médical')).toBeVisible();
  await Promise.all([phone.close(), gpPage.context().close()]);
});
