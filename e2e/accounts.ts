// Members of the test's own: the demo accounts are shared by tests running
// alongside, so a test that disables, resets or ends sessions works on a
// member it invited itself (through the API, as the administrator on `page`).
import { expect, type Page } from '@playwright/test';
import { messagesTo } from './mailbox';
import { DEMO_PASSWORD } from './pages/login-page';

/** What each kind of account e-mail says, to tell them apart. */
const SAYS = { invitation: 'vous invite', reset: 'changer le mot de passe' };

/** The link (`/account/TOKEN`) of the one e-mail of `kind` sent to `email`. */
export async function accountLink(email: string, kind: keyof typeof SAYS): Promise<string> {
  const ofKind = () => messagesTo(email).filter((mail) => mail.includes(SAYS[kind]));
  await expect.poll(() => ofKind().length).toBe(1);
  const link = /https?:\/\/\S+\/account\/[A-Za-z0-9_-]+/.exec(ofKind()[0])?.[0];
  expect(link).toBeTruthy();
  return link ?? '';
}

/** Invites a regulator to the administrator's SAMU centre and chooses their
 *  password (the demo one) with the e-mailed link. */
export async function invitedRegulator(page: Page, label: string): Promise<{ email: string; name: string }> {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const email = `${label}.${stamp}@demo.regard.fr`;
  const name = `Dr ${label} ${stamp.slice(-6)}`;
  const me = await (await page.request.get('/api/v1/auth/me')).json();
  const invited = await page.request.post(`/api/v1/organisations/${me.organisation.id}/members`, {
    data: { email, display_name: name, role: 'regulator' },
  });
  expect(invited.status()).toBe(201);
  const token = new URL(await accountLink(email, 'invitation')).pathname.split('/').pop();
  const chosen = await page.request.post(`/api/v1/auth/account-links/${token}`, { data: { password: DEMO_PASSWORD } });
  expect(chosen.status()).toBe(204);
  return { email, name };
}
