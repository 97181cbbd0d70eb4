// The caller reads the page in their language: the regulator picks it when
// texting the link, the message and the page are in it (Arabic: right to left,
// mirrored, the video itself not), and a language the caller picks on the
// page reaches the regulator's case. A caller who cannot speak reads the
// regulator's ready phrases in their language and answers in one tap.
import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { blockingViolations, overflowsWidth } from '../axe';
import { AssistDesk, regulatorPage } from '../pages/assist';
import { LanguagePicker } from '../pages/site-header';

test('a link texted in Arabic opens a mirrored Arabic page at 320 px; video works; the caller then picks Ukrainian', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 44 55 66 01', undefined, 'ar');
  await expect(regulator.getByTestId('caller-language')).toHaveText('Langue de l\'appelant : arabe');
  // The text message is in Arabic, the link on a line of its own.
  const sms = await regulator.request.get('/api/v1/outbox').then((r) => r.json())
    .then((all: { to: string; body: string }[]) => all.find((m) => m.to === '06 44 55 66 01')!.body);
  expect(sms).toContain('لتُظهر الوضع للطبيب بالفيديو، افتح هذا الرابط:\n');
  const link = await assist.link();

  // A phone set to French: the regulator's choice wins.
  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const page = await phone.newPage();
  await page.goto(link);
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

test('silent chat: a ready phrase read in Ukrainian, a one-tap "yes" read as "Oui", typed text marked as not translated, all in the timeline', async ({ browser }) => {
  const regulator = await regulatorPage(browser);
  const assist = await new AssistDesk(regulator).start('06 44 55 66 03', undefined, 'uk');
  const link = await assist.link();
  const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const page = await phone.newPage();
  await page.goto(link);
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
  await Promise.all([phone.close(), regulator.context().close()]);
});
