import { PDFDocument } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { issueCertificate, renderCertificatePdf, type IssueCertificateInput } from '../../../src/lib/server/certificates/certificates.ts';
import { certificatePdf } from '../../../src/lib/server/certificates/pdf.ts';
import type { CertificateContent } from '../../../src/lib/server/certificates/content.ts';
import { createPrison, ensureProvider, type Prison } from '../../helpers/fixture.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const ORIGIN = 'https://tilts.example.lv';

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  return (await extractText(pdf, { mergePages: true })).text;
}

/** Title, author, subject, keywords, creator and producer: the metadata a viewer shows. */
async function pdfMetadata(bytes: Uint8Array): Promise<string> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return [doc.getTitle(), doc.getAuthor(), doc.getSubject(), doc.getKeywords(), doc.getCreator(), doc.getProducer()].join('\n');
}

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const input = (more: Partial<IssueCertificateInput> = {}): IssueCertificateInput => ({
  learnerId: p.learner.learnerId,
  kind: 'professional_development',
  holderName: 'Jānis Bērziņš',
  title: { lv: 'Pavāra palīgs: ēdienu gatavošanas pamati', en: 'Cook’s assistant: basics of cooking' },
  hours: 160,
  level: 'LKI 2',
  providerId: ensureProvider(p.db, 'Profesionālās izglītības centrs „Meistars”'),
  completedOn: '2026-02-27',
  ...more,
});

function issue(more: Partial<IssueCertificateInput> = {}) {
  const result = issueCertificate(p.db, SYSTEM_ACTOR, input(more), NOW);
  if (!result.ok) throw new Error(result.code);
  return result.certificate;
}

describe('the certificate PDF', () => {
  test.each(['Jānis Bērziņš', 'Žanna Ķēniņa', 'Дмитрий Кузнецов'])('prints the holder name %s with its diacritics or Cyrillic letters', async (name) => {
    const cert = issue({ holderName: name });
    const text = await pdfText((await renderCertificatePdf(p.db, cert.serial, ORIGIN))!);
    expect(text).toContain(name);
  });

  test('states the kind of document, title, hours, level, dates, issuer, serial and verification address', async () => {
    const cert = issue();
    const text = await pdfText((await renderCertificatePdf(p.db, cert.serial, `${ORIGIN}/`))!);
    for (const expected of [
      'APLIECĪBA PAR PROFESIONĀLĀS',
      'Certificate of professional development education',
      'Pavāra palīgs: ēdienu gatavošanas pamati',
      '160 stundas / hours',
      'LKI 2',
      '27.02.2026',
      '02.03.2026',
      'Profesionālās izglītības centrs „Meistars”',
      cert.serial,
      `${ORIGIN}/verify/${cert.serial}`,
    ])
      expect(text).toContain(expected);
  });

  test.each([
    ['module', 'MODUĻA APLIECĪBA', 'Module certificate'],
    ['statement', 'SEKMJU IZZIŅA', 'Statement of achievement'],
  ] as const)('a %s is titled %s', async (kind, lv, en) => {
    const cert = issue({ kind });
    const text = await pdfText((await renderCertificatePdf(p.db, cert.serial, ORIGIN))!);
    expect(text).toContain(lv);
    expect(text).toContain(en);
  });

  test('never names the prison, the facility or the inmate number, in the text, the metadata or the signed content', async () => {
    const cert = issue({ holderName: 'Mārtiņš Bērziņš' });
    const bytes = (await renderCertificatePdf(p.db, cert.serial, ORIGIN))!;
    const everything = [await pdfText(bytes), await pdfMetadata(bytes), cert.contentJson].join('\n');
    for (const custody of [p.facilityA.name, p.facilityB.name, p.learner.inmateNumber, 'cietums', 'prison']) {
      expect(everything.toLowerCase()).not.toContain(custody.toLowerCase());
    }
  });

  test('the same content gives the same bytes, twice and from a fresh render', async () => {
    const cert = issue();
    const a = (await renderCertificatePdf(p.db, cert.serial, ORIGIN))!;
    const b = (await renderCertificatePdf(p.db, cert.serial, ORIGIN))!;
    expect(a.equals(b)).toBe(true);
    const content = JSON.parse(cert.contentJson) as CertificateContent;
    expect(Buffer.from(await certificatePdf(content, `${ORIGIN}/verify/${cert.serial}`)).equals(a)).toBe(true);
  });

  test('a long title wraps instead of running off the page, and an unknown serial has no PDF', async () => {
    const cert = issue({ title: { lv: 'Apdares darbu strādnieks '.repeat(8).trim() } });
    const text = await pdfText((await renderCertificatePdf(p.db, cert.serial, ORIGIN))!);
    expect(text.replace(/\s+/g, ' ')).toContain('Apdares darbu strādnieks '.repeat(8).trim());
    expect(await renderCertificatePdf(p.db, 'TLT-2026-ZZZZ-ZZZZ', ORIGIN)).toBeNull();
  });
});
