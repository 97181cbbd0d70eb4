import { expect } from '@playwright/test';
import { test } from '../fixtures';
import { expectUsableLayout } from '../axe';
import { clinicianPage } from '../pages/assist';
import { SPECIALIST } from '../pages/expertise';
import { ADMIN, GP, PHARMACIST, REGULATOR } from '../pages/login-page';
import { NURSE } from '../pages/nursing-home';

// Every console page of every role, at a phone's and a desktop's width (the
// pages reached through a record, a case or a request, are checked in their
// own flows: assist, consultation, monitoring, expertise, nursing home).
const PAGES: [string, string[]][] = [
  [REGULATOR, ['/console', '/console/assist', '/console/assist/usage']],
  [GP, ['/console/consultations', '/console/monitoring', '/console/expertise', '/console/expertise/new']],
  [SPECIALIST, ['/console/expertise']],
  [PHARMACIST, ['/console/prescriptions']],
  [NURSE, ['/console/residents']],
  [ADMIN, ['/console/team']],
];

for (const [account, paths] of PAGES) {
  test(`the console pages of ${account} are usable at 320 px and 1280 px`, async ({ browser }) => {
    const page = await clinicianPage(browser, account);
    for (const path of paths) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectUsableLayout(page);
    }
    await page.context().close();
  });
}
