import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { DEMO_PASSWORD, LoginPage, REGULATOR } from './login-page';
import { videoPlays } from './video';

/** A clinician signed in to the console, in a desktop browser context of their
 *  own, on the tests' server or the one at `baseURL`. */
export async function clinicianPage(browser: Browser, email: string, baseURL?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', ...(baseURL ? { baseURL } : {}) });
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(email, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  return page;
}

/** The demo regulator, signed in. */
export async function regulatorPage(browser: Browser, baseURL?: string): Promise<Page> {
  return clinicianPage(browser, REGULATOR, baseURL);
}

/** A caller's phone: small touch screen, its own cookies. */
export async function callerContext(browser: Browser, baseURL?: string): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'fr-FR',
    ...(baseURL ? { baseURL } : {}),
  });
}

/** The regulator's video assist desk. */
export class AssistDesk {
  constructor(readonly page: Page) {}

  /** Texts a link to `phone`; `language` (a code such as `ar`) is the caller's, when the regulator picks one. */
  async start(phone: string, note?: string, language?: string): Promise<AssistCase> {
    await this.page.goto('/console/assist');
    await this.page.getByLabel('Mobile de l\'appelant').fill(phone);
    if (language) await this.page.getByLabel('Langue de l\'appelant').selectOption(language);
    if (note) await this.page.getByLabel('Note (facultatif)').fill(note);
    await this.page.getByRole('button', { name: 'Envoyer le lien par SMS' }).click();
    await expect(this.page).toHaveURL(/\/console\/assist\/[0-9a-f-]{36}$/);
    return new AssistCase(this.page);
  }
}

/** One assist as the regulator sees it. */
export class AssistCase {
  readonly state: Locator;
  readonly video: Locator;
  readonly snapshot: Locator;
  readonly gallery: Locator;
  readonly timeline: Locator;
  /** The silent chat's messages, oldest first. */
  readonly chat: Locator;

  constructor(readonly page: Page) {
    this.state = page.getByTestId('call-state');
    this.video = page.locator('video.remote-video');
    this.snapshot = page.getByRole('button', { name: 'Prendre une photo' });
    this.gallery = page.getByTestId('gallery').locator('img');
    this.timeline = page.getByTestId('timeline').locator('li');
    this.chat = page.getByTestId('silent-log').locator('li');
  }

  /** Sends the ready phrase that reads `text` in French. */
  async sendPhrase(text: string) {
    await this.page.getByLabel('Phrase prête').selectOption({ label: text });
    await this.page.getByRole('button', { name: 'Envoyer la phrase' }).click();
  }

  /** Writes to the caller: sent as typed, not translated. */
  async sendText(text: string) {
    await this.page.getByLabel('Texte libre (non traduit)').fill(text);
    await this.page.getByRole('button', { name: 'Envoyer le texte' }).click();
  }

  /** The link texted to the caller, as the outbox shows it. */
  async link(): Promise<string> {
    const link = this.page.locator('a[href*="/v/"]').last();
    await expect(link).toBeVisible();
    return (await link.getAttribute('href'))!;
  }

  async timelineKinds(): Promise<string[]> {
    return this.timeline.evaluateAll((items) => items.map((li) => li.getAttribute('data-kind') ?? ''));
  }

  /** Resolves when the caller's video plays with a real frame size. */
  async videoPlays() {
    await videoPlays(this.page, 'video.remote-video');
  }

  async decide(outcome: string, note: string) {
    await this.page.getByLabel(outcome, { exact: true }).check();
    await this.page.getByLabel('Note', { exact: true }).fill(note);
    await this.page.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await expect(this.page.getByText('Décision enregistrée.')).toBeVisible();
  }
}

/** Opens a case through the API, its link texted in `language`: the text
 *  message sent, and the link in it. */
export async function textedLink(regulator: Page, phone: string, language?: string): Promise<{ sms: string; link: string }> {
  const created = await regulator.request.post('/api/v1/assists', { data: { phone, language } });
  expect(created.status()).toBe(201);
  const sms: string = (await created.json()).sms[0].body;
  return { sms, link: sms.match(/https?:\/\/\S+\/v\/[A-Za-z0-9_-]+/)![0] };
}

/** The caller's page behind the texted link. */
export class CallerPage {
  readonly heading: Locator;
  readonly accept: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.accept = page.getByRole('button', { name: 'Accepter la vidéo' });
    this.status = page.getByTestId('caller-status');
  }
}
