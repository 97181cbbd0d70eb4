import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { NEWS_WAIT_MS, OwnServer, announcements, countAnnouncements, newsWithin } from '../live';
import { invitationLink, patientPhone, PatientConsultation } from '../pages/consultation';
import { DEMO_PASSWORD, GP, LoginPage } from '../pages/login-page';

test('moving between five console pages while a patient waits chimes and notifies once', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const gpPage = await context.newPage();
  await countAnnouncements(gpPage);
  const login = new LoginPage(gpPage);
  await login.goto();
  await login.signIn(GP, DEMO_PASSWORD);
  await expect(gpPage).toHaveURL(/\/console$/);

  const name = `Chime${Date.now()}`;
  const link = await invitationLink(gpPage, { lastName: name, firstName: 'Léa', birthDate: '1990-01-02', phone: '06 11 22 33 44' });
  const phone = await patientPhone(browser);
  const patient = new PatientConsultation(await phone.newPage());
  await patient.page.goto(link);
  await patient.enter('1990-01-02');
  await patient.toWaitingRoom();
  const banner = gpPage.getByRole('alert').filter({ hasText: `Léa ${name} vous attend` });
  await expect(banner).toBeVisible();
  await expect.poll(async () => (await announcements(gpPage)).notified.filter((t) => t.includes(name)).length).toBe(1);
  const before = await announcements(gpPage);

  const nav = gpPage.getByRole('navigation', { name: 'Navigation de la console' });
  for (const [link, heading] of [
    ['Téléconsultations', 'Téléconsultations'], ['Télésurveillance', 'Télésurveillance'],
    ['Télé-expertise', 'Télé-expertise'], ['Téléconsultations', 'Téléconsultations'], ['Accueil', /Bonjour/],
  ] as const) {
    await nav.getByRole('link', { name: link, exact: false }).first().click();
    await expect(gpPage.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(banner).toBeVisible();
  }
  await gpPage.waitForLoadState('networkidle');
  const after = await announcements(gpPage);
  expect(after.notified.filter((t) => t.includes(name))).toHaveLength(1);
  // Other tests' patients may arrive meanwhile: each chime comes with a new patient.
  expect(after.chimes - before.chimes).toBeLessThanOrEqual(after.notified.length - before.notified.length);
  await phone.close();
  await context.close();
});

test('a console whose server stops says so, and recovers by itself when it is back', async ({ browser }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start();
  try {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const gpPage = await context.newPage();
    const login = new LoginPage(gpPage);
    await login.goto();
    await login.signIn(GP, DEMO_PASSWORD);
    await expect(gpPage).toHaveURL(/\/console$/);
    const lost = gpPage.getByTestId('channel-lost');
    await expect(lost).toHaveCount(0);

    await server.kill();
    await expect(lost).toBeVisible({ timeout: 10_000 });
    await expect(lost).toContainText('Connexion au serveur perdue');

    await server.restart();
    // Reconnected on its own (no reload): the warning goes.
    await expect(lost).toHaveCount(0, { timeout: 15_000 });

    const gp = await server.signedIn(GP);
    const created = await gp.post('/api/v1/consultations', {
      data: {
        last_name: 'Retour', first_name: 'Anne', birth_date: '1970-05-06', phone: '06 22 33 44 55',
        scheduled_at: Date.now() + 600_000, reason: 'Contrôle',
      },
    });
    expect(created.status()).toBe(201);
    const outbox: { body: string }[] = await (await gp.get('/api/v1/outbox')).json();
    const token = outbox[0].body.match(/\/c\/([A-Za-z0-9_-]+)/)![1];
    const patient = await server.anonymous();
    const entered = await patient.post(`/api/v1/patient/invitations/${token}/enter`, {
      data: { birth_date: '1970-05-06', consent_version: 'consultation-v1', language: 'fr' },
    });
    expect(entered.ok()).toBe(true);
    const waiting = patient.post('/api/v1/patient/consultation/waiting');
    expect((await waiting).ok()).toBe(true);
    const from = Date.now();
    await expect(gpPage.getByRole('alert').filter({ hasText: 'Anne Retour vous attend' })).toBeVisible({ timeout: NEWS_WAIT_MS });
    test.info().annotations.push({ type: 'latency', description: `waiting room after a restart: ${Date.now() - from} ms` });
    await context.close();
  } finally {
    await server.dispose();
  }
});
