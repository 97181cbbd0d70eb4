// The caller reads the page in their language: the regulator picks it when
// texting the link, the message and the page are in it (Arabic: right to left,
// mirrored, the video itself not), and a language the caller picks on the
// page reaches the regulator's case. A caller who cannot speak reads the
// regulator's ready phrases in their language and answers in one tap. A
// followed patient fills their questionnaires in their language; the
// clinician reads the answers and alerts in French.
import { expect, type Browser, type Page } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, overflowsWidth } from '../axe';
import { AssistDesk, clinicianPage, regulatorPage } from '../pages/assist';
import { ConsultationDesk } from '../pages/consultation';
import { GP } from '../pages/login-page';
import { pdfText } from '../pdf';
import { MonitoringDesk } from '../pages/monitoring';
import { everyLanguageFits, LanguagePicker } from '../pages/site-header';

/** The latest text message sent to `phoneNumber`, and its link (to `/v/`,
 *  `/c/`, `/m/`) opened on a 320 px phone set to French: a language the
 *  clinician chose must win over the phone's. */
async function openTexted(browser: Browser, clinician: Page, phoneNumber: string, path: string) {
  const outbox: { to: string; body: string }[] = await (await clinician.request.get('/api/v1/outbox')).json();
  const sms = outbox.find((m) => m.to === phoneNumber)!.body;
  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const page = await phone.newPage();
  await page.goto(sms.match(new RegExp(`https?://\\S+/${path}/[A-Za-z0-9_-]+`))![0]);
  return { sms, phone, page };
}

test('a link texted in Arabic opens a mirrored Arabic page at 320 px; video works; the caller then picks Ukrainian', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 44 55 66 01', undefined, 'ar');
  await expect(regulator.getByTestId('caller-language')).toHaveText('Langue de l\'appelant : arabe');
  // The text message is in Arabic, the link on a line of its own; a phone set
  // to French opens it: the regulator's choice wins.
  const { sms, phone, page } = await openTexted(browser, regulator, '06 44 55 66 01', 'v');
  expect(sms).toContain('لتُظهر الوضع للطبيب بالفيديو، افتح هذا الرابط:\n');
  expect(page.url()).toBe(await assist.link());
  const accept = page.getByRole('button', { name: 'أوافق على الفيديو' });
  await expect(accept).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  // The centre's name is set apart (Unicode isolates), so its words keep their order in the Arabic sentence.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('\u2068SAMU 54 – Centre 15 de Nancy\u2069 يطلب منك أن تُظهر الوضع بالفيديو.');
  // Mirrored: the emergency notice's bar is on the right, the header's logo on the right.
  const emergency = page.locator('.alert-emergency');
  await expect(emergency).toHaveCSS('border-right-width', '6px');
  await expect(emergency).toHaveCSS('border-left-width', '1px');
  const logo = (await page.locator('.brand').boundingBox())!;
  expect(logo.x).toBeGreaterThan(160);
  expect(await overflowsWidth(page)).toBe(false);
  expect(await blockingViolations(page)).toEqual([]);

  await accept.click();
  await expect(page.getByTestId('caller-status')).toHaveText('الطبيب يراك.');
  await expect(assist.state).toHaveText('Vidéo en direct');
  await assist.videoPlays();
  // The picture is not turned round with the page.
  await expect(page.locator('video').first()).toHaveCSS('transform', 'none');
  await expect(assist.timeline.filter({ hasText: 'Consentement donné' })).toContainText('lu en arabe');

  // The caller picks Ukrainian: the page turns at once, left to right; the regulator's case says so.
  await new LanguagePicker(page).choose('Українська');
  await expect(page.getByTestId('caller-status')).toHaveText('Лікар вас бачить.');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(page.locator('html')).toHaveAttribute('lang', 'uk');
  await expect(regulator.getByTestId('caller-language')).toHaveText('Langue de l\'appelant : ukrainien');
  await expect(assist.timeline.filter({ hasText: 'Langue choisie par l\'appelant' })).toContainText('ukrainien');
  expect(await overflowsWidth(page)).toBe(false);
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('every caller page fits 320 px in every language: the consent, the live video with its chat, the stop', async ({ browser }) => {
  test.setTimeout(120_000);
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 44 55 66 06');
  const { phone, page } = await openTexted(browser, regulator, '06 44 55 66 06', 'v');
  await everyLanguageFits(page, 'consent');
  await page.getByRole('button', { name: 'Accepter la vidéo' }).click();
  await expect(page.getByTestId('caller-status')).toHaveText('Le médecin vous voit.');
  await assist.videoPlays();
  await everyLanguageFits(page, 'live video');
  await page.getByRole('button', { name: 'Arrêter la vidéo' }).click();
  await page.getByRole('button', { name: 'Oui, arrêter' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vidéo arrêtée');
  await everyLanguageFits(page, 'stopped');
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('the landing page and a link that no longer works (a call, a consultation, a follow-up) fit 320 px in every language', async ({ browser }) => {
  test.setTimeout(120_000);
  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const page = await phone.newPage();
  await page.goto('/p');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Regard : voir pour mieux vous soigner');
  await everyLanguageFits(page, 'landing');
  // An unknown token reads as an expired link: nothing is said about any case.
  for (const path of ['/v/', '/c/', '/m/']) {
    await page.goto(`${path}AAAAAAAAAAAAAAAAAAAAAA`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ce lien n\'est plus valable');
    await everyLanguageFits(page, `${path} expired`);
  }
  await phone.close();
});

test('without a language chosen by the regulator, the page follows the phone\'s', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 44 55 66 02');
  await expect(regulator.getByTestId('caller-language')).toHaveText('Langue de l\'appelant : celle de son téléphone');
  const link = await assist.link();
  const phone = await browser.newContext({ locale: 'pt-BR' });
  const page = await phone.newPage();
  await page.goto(link);
  await expect(page.getByRole('button', { name: 'Aceitar o vídeo' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'pt');
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('silent chat: a ready phrase read in Ukrainian, a one-tap "yes" read as "Oui", typed text marked as not translated, all in the timeline; it goes on with the video stopped', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 44 55 66 03', undefined, 'uk');
  const { phone, page } = await openTexted(browser, regulator, '06 44 55 66 03', 'v');
  await page.getByRole('button', { name: 'Погодитися на відео' }).click();
  await expect(page.getByTestId('caller-status')).toHaveText('Лікар вас бачить.');
  const chat = page.getByRole('region', { name: 'Повідомлення з лікарем' });
  const caller = chat.getByRole('log').locator('li');

  await assist.sendPhrase('La personne respire-t-elle ?');
  await expect(caller).toHaveCount(1);
  await expect(caller.first().locator('.chat-meta')).toHaveText('Лікар');
  await expect(caller.first().locator('p')).toHaveText('Людина дихає?');
  await expect(assist.chat.first()).toContainText('La personne respire-t-elle ?');

  await chat.getByRole('button', { name: 'Так', exact: true }).click();
  await expect(assist.chat).toHaveCount(2);
  await expect(assist.chat.nth(1)).toContainText('Appelant');
  await expect(assist.chat.nth(1).locator('p')).toHaveText('Oui');
  await expect(caller.nth(1).locator('.chat-meta')).toHaveText('Ви');
  await expect(caller.nth(1).locator('p')).toHaveText('Так');

  // Typed text goes as typed, on both sides marked as not translated.
  await chat.getByLabel('Ваше повідомлення').fill('Я на кухні');
  await chat.getByRole('button', { name: 'Надіслати' }).click();
  await expect(assist.chat.nth(2)).toContainText('non traduit');
  await expect(assist.chat.nth(2).locator('p')).toHaveText('Я на кухні');
  await expect(caller.nth(2).locator('.chat-meta')).toHaveText('Ви · не перекладено');
  await expect(caller.nth(2).locator('p')).toHaveText('Я на кухні');
  await expect(chat.getByLabel('Ваше повідомлення')).toHaveValue('');
  await assist.sendText('Les secours arrivent');
  await expect(caller.nth(3).locator('.chat-meta')).toHaveText('Лікар · не перекладено');
  await expect(caller.nth(3).locator('p')).toHaveText('Les secours arrivent');

  const kinds = await assist.timelineKinds();
  for (const kind of ['phrase_sent', 'answer_received', 'text_received', 'text_sent']) expect(kinds).toContain(kind);
  await expect(assist.timeline.filter({ hasText: 'Réponse de l\'appelant' })).toContainText('Oui');
  await expect(assist.timeline.filter({ hasText: 'Phrase envoyée à l\'appelant' })).toContainText('La personne respire-t-elle ?');
  expect(await overflowsWidth(page)).toBe(false);
  expect(await blockingViolations(page)).toEqual([]);

  // Without video the chat goes on: the caller stops it (hiding, the screen's
  // light); the regulator's next phrase reaches the stopped page (which asks
  // every 3 s, having left the room), and her "no" reaches the regulator.
  await page.getByRole('button', { name: 'Зупинити відео' }).click();
  await page.getByRole('button', { name: 'Так, зупинити' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Відео зупинено');
  await assist.sendPhrase('Ouvrez la porte d\'entrée.');
  await expect(caller).toHaveCount(5, { timeout: 10_000 });
  await expect(caller.nth(4).locator('p')).toHaveText('Відчиніть вхідні двері.');
  await chat.getByRole('button', { name: 'Ні', exact: true }).click();
  await expect(assist.chat.nth(5).locator('p')).toHaveText('Non');
  await Promise.all([phone.close(), regulator.context().close()]);
});

test('a follow-up in Portuguese: texted, joined and filled in Portuguese at 320 px; the GP reads the answers and the alert in French', async ({ browser }) => {
  const gpPage = await clinicianPage(browser, GP);
  const desk = new MonitoringDesk(gpPage);
  await desk.goto();
  const phoneNumber = '06 44 55 66 04';
  const email = `maria.silva.${Date.now()}@example.org`;
  const id = await desk.enrol({ lastName: 'Silva', firstName: 'Maria', birthDate: '1958-03-14', phone: phoneNumber, email }, 'pt');
  await expect(gpPage.getByTestId('patient-language')).toHaveText('portugais');
  // A phone set to French opens the link: the GP's choice wins.
  const { sms, phone, page } = await openTexted(browser, gpPage, phoneNumber, 'm');
  expect(sms).toContain('Cabinet médical du Parc propõe-lhe um acompanhamento em casa (Acompanhamento da Covid-19 em casa)');
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText('Cabinet médical du Parc propõe-lhe um acompanhamento em casa');
  await expect(page.locator('html')).toHaveAttribute('lang', 'pt');
  await expect(page.locator('.lead')).toHaveText('Acompanhamento da Covid-19 em casa');
  expect(await overflowsWidth(page)).toBe(false);
  expect(await blockingViolations(page)).toEqual([]);
  await page.getByLabel('A sua data de nascimento').fill('1958-03-14');
  await page.getByRole('button', { name: 'Aceito e começo' }).click();
  await expect(heading).toHaveText('Acompanhamento da Covid-19 em casa');

  const form = page.getByRole('region', { name: 'Questionário do dia 1' });
  await form.getByLabel('A sua temperatura').fill('38,2');
  await form.getByLabel('A sua saturação de oxigénio (oxímetro)').fill('91');
  await form.getByRole('group', { name: 'Sente falta de ar? *' }).getByLabel('Ao fazer esforço').check();
  await form.getByRole('group', { name: 'Tem tosse? *' }).getByLabel('Não').check();
  // A mistake is said in Portuguese, naming the question in Portuguese.
  await form.getByRole('button', { name: 'Enviar as minhas respostas' }).click();
  await expect(form.getByRole('alert')).toHaveText('Responda à pergunta «O seu estado geral, de 0 (muito mau) a 10 (excelente)».');
  expect(await blockingViolations(page)).toEqual([]);
  await form.getByLabel(/O seu estado geral/).fill('6');
  await form.getByRole('button', { name: 'Enviar as minhas respostas' }).click();
  await expect(page.getByText('Obrigado, as suas respostas foram enviadas.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'As minhas respostas' })).toBeVisible();
  expect(await overflowsWidth(page)).toBe(false);

  // The GP reads French: the alert's words, the answers as the protocol's French options.
  await gpPage.reload();
  await expect(gpPage.locator('.alert-item.level-red')).toContainText('Saturation en oxygène inférieure à 94 %');
  const answers = gpPage.locator('table.answers');
  await expect(answers.locator('tr', { hasText: 'Êtes-vous essoufflé(e) ?' })).toContainText('À l\'effort');
  await expect(answers.locator('tr', { hasText: 'Toussez-vous ?' })).toContainText('Non');

  // She reads better in Romanian: the portal turns at once, and her GP sees it.
  await new LanguagePicker(page).choose('Română');
  await expect(page.getByRole('heading', { name: 'Răspunsurile mele' })).toBeVisible();
  await expect(heading).toHaveText('Monitorizarea Covid-19 la domiciliu');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ro');
  await expect.poll(async () => (await (await gpPage.request.get(`/api/v1/followups/${id}`)).json()).language).toBe('ro');
  await Promise.all([phone.close(), gpPage.context().close()]);
});

test('a teleconsultation booked in Arabic: texted and opened in Arabic; every step fits 320 px in every language; the consent read in Turkish is the patient\'s language; the receipt is in the page\'s', async ({ browser }) => {
  test.setTimeout(180_000);
  const gpPage = await clinicianPage(browser, GP);
  const desk = new ConsultationDesk(gpPage);
  await desk.goto();
  const phoneNumber = '06 44 55 66 05';
  const room = await desk.schedule({
    lastName: 'Haddad', firstName: 'Samira', birthDate: '1971-06-02', phone: phoneNumber,
    email: `samira.haddad.${Date.now()}@example.org`, at: new Date(Date.now() + 10 * 60_000), reason: 'Contrôle', language: 'ar',
  });
  await expect(gpPage.getByTestId('patient-language')).toHaveText('arabe');
  // A phone set to French opens the link: the GP's choice wins, mirrored.
  const { sms, phone, page } = await openTexted(browser, gpPage, phoneNumber, 'c');
  expect(sms).toContain('استشارة طبية بالفيديو مع Dr Paul Durand (Cabinet médical du Parc)');
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('استشارة بالفيديو مع');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await everyLanguageFits(page, 'identity');
  const picker = new LanguagePicker(page);
  await picker.choose('Türkçe');
  await page.getByLabel('Doğum tarihiniz').fill('1971-06-02');
  await page.getByRole('button', { name: 'Kabul ediyorum, devam et' }).click();
  await expect(heading).toHaveText('Kameranızı ve mikrofonunuzu kontrol edelim');
  // She read the consent in Turkish: her GP sees it at once.
  await expect(gpPage.getByTestId('patient-language')).toHaveText('turc');
  await everyLanguageFits(page, 'device check');
  await picker.choose('Türkçe');
  await page.getByRole('button', { name: 'Bekleme odasına gir' }).click();
  await expect(heading).toHaveText('Bekleme odası');
  await everyLanguageFits(page, 'waiting room');

  // The GP ends it: the patient's page turns to what remains, in her language.
  await picker.choose('العربية');
  expect((await gpPage.request.post(`${room.page.url().replace('/console/consultations/', '/api/v1/consultations/')}/end`, { data: {} })).status()).toBe(200);
  await expect(heading).toHaveText('انتهت الاستشارة');
  await everyLanguageFits(page, 'after');
  await picker.choose('العربية');
  const receipt = page.getByRole('link', { name: 'إيصال (PDF)' });
  await expect(receipt).toHaveAttribute('href', /lang=ar$/);
  const pdf = await page.request.get((await receipt.getAttribute('href'))!);
  expect(pdf.status()).toBe(200);
  // Drawn in joined Arabic letters (Presentation Forms-B), the name as written.
  const text = pdfText(await pdf.body());
  expect(text).toMatch(/[\uFE70-\uFEFC]/);
  expect(text).toContain('Samira HADDAD');
  await Promise.all([phone.close(), gpPage.context().close()]);
});
