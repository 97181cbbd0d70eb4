import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, expectUsableLayout, overflowsWidth } from '../axe';
import { fallDue } from '../clock';
import { messagesTo } from '../mailbox';
import { clinicianPage } from '../pages/assist';
import { PatientConsultation, patientPhone } from '../pages/consultation';
import { GP } from '../pages/login-page';
import { MonitoringDesk, PatientFollowUp, schedulerRounds, textsTo } from '../pages/monitoring';
import { newsWithin } from '../live';
import { everyLanguageFits } from '../pages/site-header';

test('a GP enrols a patient; a low SpO2 raises a red alert and a chart point; a questionnaire filled offline reaches the server once; after a stop no reminder leaves', async ({ browser }) => {
  const phoneNumber = '06 55 44 33 22';
  const email = `jeanne.moreau.${Date.now()}@example.org`;
  const gpPage = await clinicianPage(browser, GP);
  const desk = new MonitoringDesk(gpPage);
  await desk.goto();
  await expectUsableLayout(gpPage);
  const id = await desk.enrol({ lastName: 'Moreau', firstName: 'Jeanne', birthDate: '1961-07-02', phone: phoneNumber, email });
  await expect(gpPage.getByRole('heading', { level: 1 })).toHaveText('Jeanne Moreau');

  // The link left by e-mail (real SMTP server) and by text message: the same one.
  await expect.poll(() => messagesTo(email).length).toBe(1);
  const link = messagesTo(email)[0].match(/https?:\/\/\S+\/m\/[A-Za-z0-9_-]+/)![0];
  await desk.goto();
  expect(await desk.smsLink(phoneNumber)).toBe(link);
  await gpPage.goto(`/console/monitoring/${id}`);

  const phone = await patientPhone(browser);
  const patient = new PatientFollowUp(await phone.newPage());
  await patient.page.goto(link);
  await expect(patient.heading).toHaveText('Cabinet médical du Parc vous propose un suivi à domicile');
  await patient.join('1961-07-02');
  await expect(patient.heading).toHaveText('Suivi Covid-19 à domicile');
  await expectUsableLayout(patient.page);
  // The GP is told at once, on the follow-up's page, without a reload: the
  // red alert, then the point on the SpO2 chart.
  const alert = gpPage.locator('.alert-item.level-red');
  const submits = (r: { url(): string }) => r.url().endsWith('/api/v1/patient/followup/submissions');
  await newsWithin(patient.page, submits, () => patient.fillCovid(1, { temperature: '38,2', spo2: '91' }),
    alert.filter({ hasText: 'Saturation en oxygène inférieure à 94 %' }), 'monitoring alert');
  await expect(patient.page.getByText('Merci, vos réponses sont envoyées.')).toBeVisible();
  await expect(patient.questionnaire(1)).toHaveCount(0);
  await expect(gpPage.getByRole('link', { name: 'Questionnaire rempli : Jeanne Moreau (jour 1)' })).toBeVisible();
  // Charts are titled for clinicians (the questionnaire's codes), not in the patient's words.
  await expect(gpPage.locator('.chart', { hasText: 'Saturation en oxygène (SpO2)' }).locator('g.point[data-day="1"][data-value="91"]')).toBeVisible();
  await expect(gpPage.locator('.chart', { hasText: 'Votre' })).toHaveCount(0);
  await expect(gpPage.locator('.lead .badge')).toHaveText('Alerte');
  await expectUsableLayout(gpPage);

  // From the red alert, a teleconsultation in one step: her identity is the
  // follow-up's, the invitation a text (her reminders' channel), and on her
  // phone she enters the waiting room; the follow-up stays signed in there.
  await gpPage.getByRole('button', { name: 'Téléconsultation maintenant' }).click();
  await expect(gpPage).toHaveURL(/\/console\/consultations\/[0-9a-f-]{36}$/);
  const consultationPath = new URL(gpPage.url()).pathname;
  await expect(gpPage.getByRole('heading', { level: 1 })).toHaveText('Jeanne Moreau');
  await expect(gpPage.locator('dl.identity')).toContainText('Saturation en oxygène inférieure à 94 %');
  await expect(gpPage.getByRole('link', { name: 'voir le suivi à domicile' })).toHaveAttribute('href', `/console/monitoring/${id}`);
  const outbox: { to: string; body: string }[] = await (await gpPage.request.get('/api/v1/outbox')).json();
  const invitation = outbox.find((sms) => sms.to === phoneNumber && sms.body.includes('/c/'))!.body.match(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]+/)![0];
  const visit = new PatientConsultation(await phone.newPage());
  await visit.page.goto(invitation);
  await visit.enter('1961-07-02');
  await visit.toWaitingRoom();
  await expect(gpPage.getByRole('alert').filter({ hasText: 'Jeanne Moreau vous attend' })).toBeVisible();
  await visit.page.close();
  await gpPage.goto(`/console/monitoring/${id}`);
  await expect(gpPage.getByTestId('followup-consultations').getByRole('link')).toHaveAttribute('href', consultationPath);

  // A day passes: day 2 falls due and the server's scheduler reminds her, once.
  await fallDue(id, 1);
  await expect.poll(() => textsTo(gpPage.request, phoneNumber, '(jour 2)'), { timeout: 15_000 }).toBe(1);

  // She fills day 2 without network: kept on the phone, sent when it returns.
  await patient.page.goto('/m');
  await expect(patient.questionnaire(2)).toBeVisible();
  await phone.setOffline(true);
  await patient.fillCovid(2, { temperature: '37,4', spo2: '96' });
  await expect(patient.page.getByText('Pas de réseau : vos réponses sont gardées sur ce téléphone')).toBeVisible();
  await phone.setOffline(false);
  await expect(patient.page.getByText('Merci, vos réponses sont envoyées.')).toBeVisible({ timeout: 15_000 });
  const detail = async () => (await (await gpPage.request.get(`/api/v1/followups/${id}`)).json());
  const days = (await detail()).submissions.map((s: { day: number }) => s.day);
  expect(days).toEqual([1, 2]);
  // A reload flushes the queue again: still exactly once.
  await patient.page.reload();
  await expect(patient.page.getByRole('heading', { name: 'Mes réponses' })).toBeVisible();
  expect((await detail()).submissions.map((s: { day: number }) => s.day)).toEqual([1, 2]);

  // She stops; day 3 then falls due, and no reminder leaves.
  await patient.stop();
  const reminders = await textsTo(gpPage.request, phoneNumber, 'vous attend');
  await fallDue(id, 2);
  const rounds = await schedulerRounds(gpPage.request);
  await expect.poll(() => schedulerRounds(gpPage.request), { timeout: 10_000 }).toBeGreaterThanOrEqual(rounds + 2);
  expect(await textsTo(gpPage.request, phoneNumber, 'vous attend')).toBe(reminders);
  await gpPage.reload();
  await expect(gpPage.locator('.lead .badge')).toHaveText('Arrêté');
  await Promise.all([phone.close(), gpPage.context().close()]);
});

test('the follow-up pages fit a 320 px phone and have no serious accessibility violation', async ({ browser }) => {
  const gpPage = await clinicianPage(browser, GP);
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const created = await gpPage.request.post('/api/v1/followups', {
    data: {
      last_name: 'Petit', first_name: 'Lucien', birth_date: '1949-11-20', phone: '07 22 33 44 55',
      protocol_id: 'post-op-wound', start_date: today,
    },
  });
  expect(created.status()).toBe(201);
  const outbox: { to: string; body: string }[] = await (await gpPage.request.get('/api/v1/outbox')).json();
  const link = outbox.find((sms) => sms.to === '07 22 33 44 55')!.body.match(/https?:\/\/\S+\/m\/[A-Za-z0-9_-]+/)![0];

  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const patient = new PatientFollowUp(await phone.newPage());
  await patient.page.goto(link);
  await expect(patient.heading).toHaveText('Cabinet médical du Parc vous propose un suivi à domicile');
  expect(await blockingViolations(patient.page)).toEqual([]);
  expect(await overflowsWidth(patient.page)).toBe(false);
  await everyLanguageFits(patient.page, 'join');
  await patient.join('1949-11-20');
  await expect(patient.questionnaire(1)).toBeVisible();
  // A required photo: sending without it says which question is missing.
  await patient.page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(patient.page.getByRole('alert').first()).toContainText('Répondez à la question');
  expect(await blockingViolations(patient.page)).toEqual([]);
  expect(await overflowsWidth(patient.page)).toBe(false);
  await everyLanguageFits(patient.page, 'portal');
  await Promise.all([phone.close(), gpPage.context().close()]);
});

test('the patients followed come 50 at a time, the rest on request', async ({ browser }) => {
  const gpPage = await clinicianPage(browser, GP);
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  // By e-mail only: the other tests' text messages stay at the top of the outbox.
  const stamp = Date.now();
  for (let n = 0; n < 51; n++) {
    const created = await gpPage.request.post('/api/v1/followups', {
      data: {
        last_name: `Liste ${n}`, first_name: 'Paul', birth_date: '1950-01-01',
        email: `liste.${n}.${stamp}@example.org`, protocol_id: 'covid-19', start_date: today,
      },
    });
    expect(created.status()).toBe(201);
  }
  const desk = new MonitoringDesk(gpPage);
  await desk.goto();
  await expect(desk.followUpRows).toHaveCount(50);
  await expect(gpPage.getByText(/^Affichés : 50 sur \d+$/)).toBeVisible();
  await expectUsableLayout(gpPage);
  await desk.showMore();
  await expect.poll(() => desk.followUpRows.count()).toBeGreaterThan(50);
  await gpPage.context().close();
});
