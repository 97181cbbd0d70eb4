// Time passing, for links that expire after 30 minutes and questionnaires due
// tomorrow: a test cannot wait that long, so it asks the test server (started
// with `--testing`) to move that one link's expiry or follow-up's schedule into
// the past. Whatever its database backend, the server does it.
import { request } from '@playwright/test';

const baseURL = `http://127.0.0.1:${process.env.REGARD_E2E_PORT ?? '18080'}`;

async function post(path: string, data?: object): Promise<void> {
  const api = await request.newContext({ baseURL });
  try {
    const response = await api.post(path, data === undefined ? {} : { data });
    if (response.status() !== 204) throw new Error(`${path}: ${response.status()} ${await response.text()}`);
  } finally {
    await api.dispose();
  }
}

/** Makes the link whose URL ends with its token expire a minute ago. */
export async function expireLink(link: string): Promise<void> {
  const token = new URL(link).pathname.split('/').pop() ?? '';
  await post('/api/testing/links/expire', { token });
}

/** Time passes for one follow-up: its whole schedule moves into the past
 *  until questionnaire `index` (from 0) fell due a minute ago. */
export async function fallDue(followupId: string, index: number): Promise<void> {
  await post(`/api/testing/followups/${encodeURIComponent(followupId)}/fall-due/${index}`);
}
