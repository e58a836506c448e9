import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { admitByRoster } from '../staff.ts';

/**
 * Documents by the completion rules, as education staff see them. ieva.ozola
 * (Olaine) admits a new inmate, records a consultation and enrols him in two
 * programmes: the Latvian course (documents issued at once) and the cook's
 * assistant programme (documents wait for approval). She records his
 * release: a statement of achievement of the Latvian programme is issued by
 * its education provider straight away, the cook's one waits. She approves
 * it, opens the first statement and re-issues it with the name corrected
 * (the old one is revoked and points to the new one, which /verify confirms),
 * and downloads his transcript.
 */

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);
const LATVIAN = 'Latviešu valoda darbam (A2)';
const COOK = 'Pavāra palīgs (profesionālā pilnveide)';

test('release issues statements of achievement; staff approve the waiting one, re-issue a corrected one and download the transcript', async ({ page }) => {
  test.setTimeout(300_000);
  const inmate = `7${String(Date.now()).slice(-5)}`;
  // Unique per run, in letters: a name holds no digits (the person-name rule).
  const given = `Kārlis ${[...inmate.slice(-3)].map((d) => 'abcdefghij'[Number(d)]).join('')}`;
  const release = new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10);

  await signIn(page, ACCOUNTS.ievaOzola, { check: false });
  await checkPage(page);

  // A new inmate from the register.
  const learnerUrl = await admitByRoster(page, { inmate, surname: 'Zīverts', given, release });

  // A consultation, then both programmes.
  await page.getByRole('link', { name: lv('consultation.add') }).click();
  await checkPage(page);
  await page.getByRole('group', { name: lv('consultation.interests') }).getByLabel(lv('interest.cooking')).check();
  await page.getByLabel(lv('consultation.goalAfterRelease')).fill('Strādāt virtuvē.');
  await page.getByRole('button', { name: lv('consultation.save') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('consultation.recorded') })).toBeVisible();
  await checkPage(page);
  for (const title of [LATVIAN, COOK]) {
    await page.goto(`${learnerUrl}/placement`);
    await checkPage(page);
    const programme = page.locator('ol.ranked > li').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
    await programme.getByRole('button', { name: lv('placement.enrol') }).click();
    await expect(page.getByRole('status')).toHaveText(lv('placement.enrolled'));
    await checkPage(page);
  }

  // The release: the Latvian programme's statement at once, the cook's waits for approval.
  await page.goto(learnerUrl);
  await checkPage(page);
  const releaseForm = page.getByRole('region', { name: lv('lifecycle.releaseHeading') });
  await releaseForm.getByRole('button', { name: lv('lifecycle.release') }).click();
  await checkPage(page);
  await page.getByRole('region', { name: lv('lifecycle.releaseHeading') }).getByLabel(lv('lifecycle.confirmReleaseLabel')).check();
  await page.getByRole('region', { name: lv('lifecycle.releaseHeading') }).getByRole('button', { name: lv('lifecycle.release') }).click();
  await expect(page.getByRole('status').filter({ hasText: lv('lifecycle.released') })).toBeVisible();
  await checkPage(page);
  const certificates = page.getByRole('region', { name: lv('certificate.heading') });
  const rows = certificates.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(LATVIAN);
  await expect(rows.first()).toContainText(lv('certificate.kind.statement'));
  await expect(certificates).toContainText(lv('certificateRequest.waitingForLearner', { count: 1 }));
  await expect(certificates).toContainText(lv('certificateRequest.reason.approval'));
  await checkPage(page, { screenshot: 'education-staff-learner-certificates' });

  // The waiting document: approved on the documents page, issued by the programme's provider.
  await page.getByRole('link', { name: lv('certificateRequest.open') }).click();
  await checkPage(page, { screenshot: 'education-staff-documents-waiting' });
  const request = page.getByRole('listitem').filter({ hasText: `${given} Zīverts` });
  await expect(request).toContainText(COOK);
  // The issuer is chosen from the register; the programme's own provider comes first.
  await expect(request.getByLabel(lv('certificate.issuer')).locator('option:checked')).toHaveText('Profesionālās izglītības centrs “Amatu skola”');
  await request.getByRole('button', { name: lv('certificateRequest.approve') }).click();
  await expect(page.getByRole('status')).toContainText(/TLT-\d{4}-/);
  await expect(page.getByRole('listitem').filter({ hasText: `${given} Zīverts` })).toHaveCount(0);
  await checkPage(page);

  // The first statement, corrected: a new serial that replaces it; the old one is revoked.
  await page.goto(learnerUrl);
  await checkPage(page);
  await expect(rows).toHaveCount(2);
  const statement = rows.filter({ hasText: LATVIAN });
  const oldSerial = (await statement.locator('td').first().textContent())!.trim();
  await statement.getByRole('link', { name: oldSerial }).click();
  await checkPage(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(oldSerial);
  await expect(page.locator('main')).toContainText(lv('certificate.signatureValid'));
  // Enrolled, not started: what was done is listed honestly.
  const items = page.getByRole('region', { name: lv('certificate.items') });
  await expect(items).toContainText('Latviešu valoda A2');
  await expect(items).toContainText(lv('certificate.notCompletedPercent', { percent: 0 }));
  const reissue = page.getByRole('region', { name: lv('certificate.reissueHeading') });
  await reissue.getByLabel(lv('certificate.holder')).fill('');
  await reissue.getByRole('button', { name: lv('certificate.reissue') }).click();
  await expect(page.getByText(lv('validation.required'))).toBeVisible();
  await checkPage(page);
  await page.getByRole('region', { name: lv('certificate.reissueHeading') }).getByLabel(lv('certificate.holder')).fill(`${given} Zīverts-Ozols`);
  await page.getByRole('region', { name: lv('certificate.reissueHeading') }).getByRole('button', { name: lv('certificate.reissue') }).click();
  await expect(page).toHaveURL(/\/staff\/certificates\/TLT-\d{4}-[A-Z0-9-]+\?reissued=1$/);
  const newSerial = page.url().match(/(TLT-[A-Z0-9-]+)\?/)![1]!;
  expect(newSerial).not.toBe(oldSerial);
  await expect(page.getByRole('status')).toContainText(newSerial);
  await expect(page.locator('main')).toContainText(`${given} Zīverts-Ozols`);
  await expect(page.locator('main')).toContainText(oldSerial);
  await checkPage(page, { screenshot: 'education-staff-certificate-reissued' });

  // Anyone can check both numbers.
  await page.goto(`/verify/${oldSerial}`);
  await expect(page.locator('main')).toContainText(lv('verify.replacedBy'));
  await expect(page.locator('main')).toContainText(newSerial);
  await checkPage(page);
  await page.goto(`/verify/${newSerial}`);
  await expect(page.locator('main')).toContainText(lv('verify.valid'));
  await expect(page.locator('main')).toContainText(`${given} Zīverts-Ozols`);
  await checkPage(page);

  // The transcript, for staff to print.
  await page.goto(learnerUrl);
  await checkPage(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: lv('transcript.download') }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^transcript-\d+\.pdf$/);
  const bytes = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(bytes).subarray(0, 5).toString()).toBe('%PDF-');
});

test('a programme names its education provider from the register, its award and whether documents wait for approval', async ({ page }) => {
  await signIn(page, ACCOUNTS.ievaOzola, { check: false });
  await checkPage(page);
  await page.goto('/staff/programmes/new');
  await checkPage(page);
  const documents = page.getByRole('group', { name: lv('programme.documents') });
  const provider = documents.getByLabel(lv('programme.provider'));
  await expect(provider).toHaveValue('');
  await expect(documents.getByLabel(lv('programme.award'))).toHaveValue('module');
  // Active providers of the register only: the one whose agreement ended is not offered.
  await expect(provider.locator('option')).toContainText(['Pieaugušo izglītības centrs “Valoda”', 'Profesionālās izglītības centrs “Amatu skola”', 'Rīgas pieaugušo izglītības vidusskola']);
  await expect(provider.locator('option', { hasText: 'Jelgavas Amatu vidusskola' })).toHaveCount(0);
  await provider.selectOption({ label: 'Pieaugušo izglītības centrs “Valoda”' });
  // A form sent incomplete keeps the choice.
  await page.getByRole('button', { name: lv('programme.create') }).click();
  await expect(page.locator('#title-error')).toHaveText(lv('validation.required'));
  await expect(provider.locator('option:checked')).toHaveText('Pieaugušo izglītības centrs “Valoda”');
  await checkPage(page, { screenshot: 'education-staff-programme-documents' });
});
