import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export interface Patient {
  lastName: string;
  firstName: string;
  birthDate: string;
  phone: string;
  email: string;
}

/** The clinician's tele-monitoring desk. */
export class MonitoringDesk {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/console/monitoring');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Télésurveillance' })).toBeVisible();
  }

  /** Enrols in the first protocol (Covid-19), starting today, with the
   *  patient's language when given (a code: `pt`); resolves on the follow-up's
   *  page with its id. */
  async enrol(p: Patient, language?: string): Promise<string> {
    const form = this.page.locator('form', { has: this.page.getByLabel('Protocole de suivi') });
    await form.getByLabel('Nom du patient').fill(p.lastName);
    await form.getByLabel('Prénom').fill(p.firstName);
    await form.getByLabel('Date de naissance').fill(p.birthDate);
    await form.getByLabel('Mobile').fill(p.phone);
    await form.getByLabel('E-mail').fill(p.email);
    await expect(form.getByLabel('Protocole de suivi')).toHaveValue('covid-19');
    if (language) await form.getByLabel('Langue du patient').selectOption(language);
    await form.getByRole('button', { name: 'Inscrire et envoyer le lien' }).click();
    await expect(this.page).toHaveURL(/\/console\/monitoring\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop()!;
  }

  /** The rows of the list of patients followed. */
  get followUpRows() {
    return this.page.locator('table.followups tbody tr');
  }

  async showMore() {
    await this.page.getByRole('button', { name: 'Afficher les suivants' }).click();
  }

  /** The link in the latest text message to `phone` (display form). */
  async smsLink(phone: string): Promise<string> {
    const link = this.page.getByTestId('outbox').locator('li', { hasText: phone }).first().locator('a[href*="/m/"]');
    await expect(link).toBeVisible();
    return (await link.getAttribute('href'))!;
  }
}

/** Text messages sent to `phone` (display form) whose body contains `words`. */
export async function textsTo(request: APIRequestContext, phone: string, words: string): Promise<number> {
  const outbox: { to: string; body: string }[] = await (await request.get('/api/v1/outbox')).json();
  return outbox.filter((sms) => sms.to === phone && sms.body.includes(words)).length;
}

/** Rounds completed by the server's follow-up scheduler. */
export async function schedulerRounds(request: APIRequestContext): Promise<number> {
  return (await (await request.get('/healthz')).json()).scheduler_runs;
}

/** The patient's side of a follow-up, on their phone. */
export class PatientFollowUp {
  readonly heading: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1 });
  }

  async join(birthDate: string) {
    await this.page.getByLabel('Votre date de naissance').fill(birthDate);
    await expect(this.page.getByLabel('SMS')).toBeChecked();
    await this.page.getByRole('button', { name: 'J\'accepte et je commence' }).click();
  }

  questionnaire(day: number): Locator {
    return this.page.getByRole('region', { name: `Questionnaire du jour ${day}` });
  }

  /** Fills the Covid-19 questionnaire and sends it. */
  async fillCovid(day: number, answers: { temperature: string; spo2: string }) {
    const form = this.questionnaire(day);
    await form.getByLabel('Votre température').fill(answers.temperature);
    await form.getByLabel('Votre saturation en oxygène (oxymètre)').fill(answers.spo2);
    await form.getByRole('group', { name: /essoufflé/ }).getByLabel('À l\'effort').check();
    await form.getByRole('group', { name: /Toussez-vous/ }).getByLabel('Non').check();
    await form.getByLabel(/Votre état général/).fill('6');
    await form.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  }

  async stop() {
    await this.page.getByRole('button', { name: 'Arrêter mon suivi' }).click();
    await this.page.getByRole('button', { name: 'Oui, arrêter' }).click();
    await expect(this.page.getByText('Votre suivi est arrêté.')).toBeVisible();
  }
}
