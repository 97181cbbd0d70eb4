import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { videoPlays } from './video';

export interface Appointment {
  lastName: string;
  firstName: string;
  birthDate: string;
  phone: string;
  email: string;
  at: Date;
  reason: string;
  /** The patient's language, as its code (`ar`); the phone's when absent. */
  language?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Schedules an appointment in an hour through the API, as the signed-in GP of
 * `gpPage`; returns the consultation and the link texted to `phone` (other tests text too).
 * Without a `language` (`fr`, `ar`…) the page follows the phone's.
 */
export async function invitation(gpPage: Page, patient: { lastName: string; firstName: string; birthDate: string; phone: string; language?: string }): Promise<{ id: string; link: string }> {
  const created = await gpPage.request.post('/api/v1/consultations', {
    data: {
      last_name: patient.lastName, first_name: patient.firstName, birth_date: patient.birthDate, phone: patient.phone,
      scheduled_at: Date.now() + 3_600_000, reason: 'Contrôle', language: patient.language,
    },
  });
  expect(created.status()).toBe(201);
  const { summary } = await created.json();
  const outbox: { to: string; body: string }[] = await (await gpPage.request.get('/api/v1/outbox')).json();
  return { id: summary.id, link: outbox.find((sms) => sms.to === patient.phone)!.body.match(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]+/)![0] };
}

/** The link of `invitation`. */
export async function invitationLink(gpPage: Page, patient: { lastName: string; firstName: string; birthDate: string; phone: string }): Promise<string> {
  return (await invitation(gpPage, patient)).link;
}

/** The GP's teleconsultation desk: schedule, today's list, the outbox. */
export class ConsultationDesk {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/console/consultations');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Téléconsultations' })).toBeVisible();
  }

  /** Fills and sends the form; resolves on the new consultation's page. */
  async schedule(a: Appointment): Promise<ConsultationRoom> {
    const form = this.page.locator('form', { has: this.page.getByLabel('Nom du patient') });
    await form.getByLabel('Nom du patient').fill(a.lastName);
    await form.getByLabel('Prénom').fill(a.firstName);
    await form.getByLabel('Date de naissance').fill(a.birthDate);
    await form.getByLabel('Mobile').fill(a.phone);
    await form.getByLabel('E-mail').fill(a.email);
    // The browser's local time, as the GP types it.
    await form.getByLabel('Date', { exact: true }).fill(`${a.at.getFullYear()}-${pad(a.at.getMonth() + 1)}-${pad(a.at.getDate())}`);
    await form.getByLabel('Heure').fill(`${pad(a.at.getHours())}:${pad(a.at.getMinutes())}`);
    await form.getByLabel('Motif').fill(a.reason);
    if (a.language) await form.getByLabel('Langue du patient').selectOption(a.language);
    await form.getByRole('button', { name: 'Programmer et envoyer l\'invitation' }).click();
    await expect(this.page).toHaveURL(/\/console\/consultations\/[0-9a-f-]{36}$/);
    return new ConsultationRoom(this.page);
  }

  /** The link in the latest text message sent to `phone` (as displayed, e.g.
   *  `06 98 76 54 32`): other tests running beside this one send messages too. */
  async smsLink(phone: string): Promise<string> {
    const link = this.page.getByTestId('outbox').locator('li', { hasText: phone }).first().locator('a[href*="/c/"]');
    await expect(link).toBeVisible();
    return (await link.getAttribute('href'))!;
  }
}

/** One consultation on the GP's side. */
export class ConsultationRoom {
  readonly status: Locator;
  readonly chat: Locator;
  readonly documents: Locator;
  /** The signalling sockets this page opened to consultation rooms. */
  readonly sockets: string[] = [];

  constructor(readonly page: Page) {
    this.status = page.getByTestId('consultation-status');
    this.chat = page.getByTestId('chat-log');
    this.documents = page.getByTestId('documents').getByRole('link');
    page.on('websocket', (ws) => {
      if (ws.url().includes('/ws/consultation/')) this.sockets.push(ws.url());
    });
  }

  async admit() {
    await this.page.getByRole('button', { name: 'Faire entrer le patient' }).click();
    await expect(this.status).toHaveText('En consultation');
  }

  async patientVideoPlays() {
    await videoPlays(this.page, 'video.remote-video');
  }

  async say(text: string) {
    await this.page.getByLabel('Votre message').fill(text);
    await this.page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  }

  /** Writes a one-line prescription and issues it; returns its identifier. */
  async prescribe(line: { medicine: string; dosage: string; duration: string; quantity: string }): Promise<string> {
    const form = this.page.locator('form', { has: this.page.getByRole('group', { name: 'Ligne 1' }) });
    await form.getByLabel('Médicament').fill(line.medicine);
    await form.getByLabel('Posologie').fill(line.dosage);
    await form.getByLabel('Durée').fill(line.duration);
    await form.getByLabel('Quantité').fill(line.quantity);
    await form.getByRole('button', { name: 'Signer et émettre l\'ordonnance' }).click();
    const issued = this.page.getByTestId('prescriptions').getByRole('link').last();
    await expect(issued).toBeVisible();
    return (await issued.textContent())!.match(/RX-[0-9A-Z-]{19}/)![0];
  }

  async writeReport(text: string) {
    await this.page.getByRole('textbox', { name: 'Compte rendu' }).fill(text);
    await this.page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await expect(this.page.getByText('Compte rendu enregistré')).toBeVisible();
  }

  async end() {
    await this.page.getByRole('button', { name: 'Terminer la consultation' }).click();
    await expect(this.status).toHaveText('Terminée');
  }
}

/** A patient's phone: small touch screen, its own cookies. */
export async function patientPhone(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
}

/** The patient's side, from the invitation link to the report. */
export class PatientConsultation {
  readonly heading: Locator;
  readonly chat: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
    this.chat = page.getByTestId('chat-log');
  }

  async enter(birthDate: string) {
    await this.page.getByLabel('Votre date de naissance').fill(birthDate);
    await this.page.getByRole('button', { name: 'J\'accepte et je continue' }).click();
  }

  /** The microphone meter's current value. */
  async micLevel(): Promise<number> {
    return Number(await this.page.getByTestId('mic-level').evaluate((m: HTMLMeterElement) => m.value));
  }

  async toWaitingRoom() {
    await this.page.getByRole('button', { name: 'Entrer en salle d\'attente' }).click();
    await expect(this.heading).toHaveText('Salle d\'attente');
  }

  async doctorVideoPlays() {
    await videoPlays(this.page, 'video.remote-video');
  }

  async say(text: string) {
    await this.page.getByLabel('Votre message').fill(text);
    await this.page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  }

  /** The link to a prescription's PDF, once it is listed. */
  prescription(id: string): Locator {
    return this.page.getByTestId('prescriptions').getByRole('link', { name: new RegExp(id) });
  }

  /** Sends a file through the documents panel and waits for it to be listed. */
  async upload(name: string, mimeType: string, buffer: Buffer) {
    await this.page.getByLabel('Ajouter un document').setInputFiles({ name, mimeType, buffer });
    await expect(this.page.getByTestId('documents').getByRole('link', { name })).toBeVisible();
  }
}

/** A pharmacist checking and dispensing a prescription. */
export class PharmacyCheck {
  readonly signature: Locator;
  readonly dispensed: Locator;
  readonly dispense: Locator;

  constructor(readonly page: Page) {
    this.signature = page.getByTestId('signature');
    this.dispensed = page.getByTestId('dispensed');
    this.dispense = page.getByRole('button', { name: 'Délivrer' });
  }
}
