import path from 'node:path';
import { test, expect, checkPage, text } from '../fixtures.ts';
import { openDatabase } from '../../../src/lib/server/db.ts';
import { SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { issueCertificate } from '../../../src/lib/server/certificates/certificates.ts';
import { ensureProvider } from '../../helpers/fixture.ts';

/** An employer checks a certificate a former learner showed them: no account, just the number. */

function issueDemoCertificate(): string {
  const dataDir = process.env.TILTS_E2E_DATA_DIR;
  if (!dataDir) throw new Error('TILTS_E2E_DATA_DIR is not set: run the browser tests through playwright.config.ts (global setup).');
  const db = openDatabase(path.join(dataDir, 'tilts.db'));
  try {
    const result = issueCertificate(db, SYSTEM_ACTOR, {
      learnerId: 1,
      kind: 'professional_development',
      holderName: 'Kārlis Vītols',
      title: { lv: 'Datorprasmes darbam' },
      hours: 80,
      providerId: ensureProvider(db, 'Profesionālās izglītības centrs „Meistars”'),
      completedOn: '2026-01-30',
    });
    if (!result.ok) throw new Error(result.code);
    return result.certificate.serial;
  } finally {
    db.close();
  }
}

test('a stranger types a certificate number and sees that it is valid', async ({ page }) => {
  const serial = issueDemoCertificate();
  await page.goto('/verify');
  await checkPage(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('lv', 'verify.title'));
  // Typed as people do: lower case, with spaces around.
  await page.getByLabel(text('lv', 'verify.serial')).fill(` ${serial.toLowerCase()} `);
  await page.getByRole('button', { name: text('lv', 'verify.submit') }).click();
  await expect(page).toHaveURL(new RegExp(`/verify/${serial}$`));
  await checkPage(page, { screenshot: 'anonymous-verify', zoom: true });
  await expect(page.getByRole('status')).toHaveText(text('lv', 'verify.valid'));
  await expect(page.getByText('Kārlis Vītols')).toBeVisible();
  await expect(page.getByText('Datorprasmes darbam')).toBeVisible();
});

test('a mistyped number is answered next to the field', async ({ page }) => {
  await page.goto('/verify');
  await checkPage(page);
  await page.getByLabel(text('lv', 'verify.serial')).fill('TLT-2026-12');
  await page.getByRole('button', { name: text('lv', 'verify.submit') }).click();
  await checkPage(page);
  await expect(page.getByText(text('lv', 'verify.error.serial'))).toBeVisible();
  await expect(page.getByLabel(text('lv', 'verify.serial'))).toHaveAttribute('aria-invalid', 'true');
});
