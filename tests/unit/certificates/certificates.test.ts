import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { openDatabase, stmt } from '../../../src/lib/server/db.ts';
import {
  getBySerial,
  issueCertificate,
  listLearnerCertificates,
  reissueCertificate,
  revokeCertificate,
  verifyCertificate,
  type CertificateActor,
  type IssueCertificateInput,
} from '../../../src/lib/server/certificates/certificates.ts';
import { generateSerial, SERIAL_PATTERN, sha256Hex } from '../../../src/lib/server/certificates/content.ts';
import { getSigningKey, signContentHash, signingPublicKeyPem, verifyContentHash } from '../../../src/lib/server/certificates/signing.ts';
import { addProvider, auditActions, createPrison, createTestDb, type Prison } from '../../helpers/fixture.ts';

const NOW = new Date('2026-03-02T10:00:00Z');
const LATER = new Date('2026-04-10T12:30:00Z');

let p: Prison & { cleanup: () => void; file: string };
/** The education provider of the register these documents name. */
let meistars: number;
beforeEach(async () => {
  p = await createPrison();
  meistars = addProvider(p.db, 'Profesionālās izglītības centrs „Meistars”');
});
afterEach(() => p.cleanup());

const input = (more: Partial<IssueCertificateInput> = {}): IssueCertificateInput => ({
  learnerId: p.learner.learnerId,
  kind: 'module',
  holderName: 'Žanna Ķēniņa',
  title: { lv: 'Rokas lokmetināšana: 1. modulis', en: 'Manual arc welding: module 1' },
  hours: 160,
  level: 'LKI 2',
  providerId: meistars,
  completedOn: '2026-02-27',
  ...more,
});

function issue(more: Partial<IssueCertificateInput> = {}, actor: CertificateActor = p.educationStaff.user) {
  const result = issueCertificate(p.db, actor, input(more), NOW);
  if (!result.ok) throw new Error(result.code);
  return result.certificate;
}

describe('issuing', () => {
  test('stores canonical signed content, its hash and the key id, and audits the issue', () => {
    const cert = issue();
    expect(cert.serial).toMatch(SERIAL_PATTERN);
    expect(cert.serial.startsWith('TLT-2026-')).toBe(true);
    expect(cert.issuedOn).toBe('2026-03-02');
    expect(cert.contentHash).toBe(sha256Hex(cert.contentJson));
    expect(JSON.parse(cert.contentJson)).toEqual({
      completedOn: '2026-02-27',
      holderName: 'Žanna Ķēniņa',
      hours: 160,
      issuedOn: '2026-03-02',
      issuer: 'Profesionālās izglītības centrs „Meistars”',
      kind: 'module',
      level: 'LKI 2',
      serial: cert.serial,
      title: { en: 'Manual arc welding: module 1', lv: 'Rokas lokmetināšana: 1. modulis' },
      v: 1,
    });
    // keys sorted, no whitespace: one text per content
    expect(cert.contentJson.startsWith('{"completedOn":"2026-02-27","holderName":')).toBe(true);
    expect(cert.keyId).toBe(getSigningKey(p.db).keyId);
    expect(cert.createdBy).toBe(p.educationStaff.user.id);
    expect(auditActions(p.db)).toEqual(['certificate.issue']);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('the system can issue on completion, and the learner’s certificates are listed newest first', () => {
    const a = issue({}, SYSTEM_ACTOR);
    const b = issue({ kind: 'statement' }, SYSTEM_ACTOR);
    expect(a.createdBy).toBeNull();
    expect(listLearnerCertificates(p.db, p.learner.learnerId).map((c) => c.serial)).toEqual([b.serial, a.serial]);
  });

  test('the issuer is the register’s provider, printed by its official name; an unknown provider is refused', () => {
    const cert = issue();
    expect([cert.issuer, cert.providerId]).toEqual(['Profesionālās izglītības centrs „Meistars”', meistars]);
    expect(issueCertificate(p.db, p.educationStaff.user, input({ providerId: 9999 }), NOW)).toEqual({ ok: false, code: 'provider.unknown' });
  });

  test('refuses content that would name custody, a facility or the learner’s inmate number, saying which field and word', () => {
    const prisonProvider = addProvider(p.db, p.facilityA.name);
    expect(issueCertificate(p.db, p.educationStaff.user, input({ providerId: prisonProvider }), NOW)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'issuer',
      word: p.facilityA.name,
    });
    expect(issueCertificate(p.db, p.educationStaff.user, input({ holderName: `Žanna Ķēniņa (${p.learner.inmateNumber})` }), NOW)).toEqual({
      ok: false,
      code: 'certificate.namesCustody',
    });
    expect(issueCertificate(p.db, p.educationStaff.user, input({ title: { lv: `Kurss ${p.facilityB.name.toUpperCase()}` } }), NOW)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'title',
      word: 'IĻĢUCIEMA CIETUMS',
    });
    expect(issueCertificate(p.db, p.educationStaff.user, input({ title: { en: 'Welding for inmates' } }), NOW)).toMatchObject({ field: 'title', word: 'inmates' });
    expect(issueCertificate(p.db, p.educationStaff.user, input({ level: 'IeVP 2' }), NOW)).toMatchObject({ field: 'level', word: 'IeVP' });
    expect(issueCertificate(p.db, p.educationStaff.user, input({ kind: 'statement', items: [{ title: { ru: 'Курс в колонии' }, hours: 10, completedOn: null, progressPercent: 50 }] }), NOW)).toMatchObject({
      field: 'items',
      word: 'колонии',
    });
    expect(listLearnerCertificates(p.db, p.learner.learnerId)).toEqual([]);
    expect(auditActions(p.db)).toEqual([]);
  });

  test('an unknown learner is an error value; malformed input is a bug and throws', () => {
    expect(issueCertificate(p.db, p.educationStaff.user, input({ learnerId: 99999 }), NOW)).toEqual({ ok: false, code: 'certificate.learnerUnknown' });
    expect(() => issueCertificate(p.db, p.educationStaff.user, input({ holderName: '  ' }), NOW)).toThrow(/holderName/);
    expect(() => issueCertificate(p.db, p.educationStaff.user, input({ hours: -1 }), NOW)).toThrow(/hours/);
    expect(() => issueCertificate(p.db, p.educationStaff.user, input({ title: {} }), NOW)).toThrow(/title/);
  });
});

describe('serials', () => {
  test('are TLT-<year>-XXXX-XXXX without look-alike characters, and do not repeat', () => {
    const serials = Array.from({ length: 2000 }, () => generateSerial(2026));
    for (const s of serials) {
      expect(s).toMatch(SERIAL_PATTERN);
      expect(s.slice(9)).not.toMatch(/[01IO]/);
    }
    expect(new Set(serials).size).toBe(serials.length);
  });

  test('are unique in the database, and are found however they are typed', () => {
    const a = issue();
    const b = issue();
    expect(a.serial).not.toBe(b.serial);
    expect(() => stmt(p.db, 'UPDATE certificate SET serial = ? WHERE id = ?').run(a.serial, b.id)).toThrow(/UNIQUE/);
    expect(getBySerial(p.db, `  ${a.serial.toLowerCase()} `)?.id).toBe(a.id);
    expect(getBySerial(p.db, 'not a serial')).toBeNull();
  });
});

describe('signatures', () => {
  test('the installation keeps one key across database handles, and publishes its public key', () => {
    const { keyId } = getSigningKey(p.db);
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    const again = openDatabase(p.file);
    try {
      expect(getSigningKey(again).keyId).toBe(keyId);
    } finally {
      again.close();
    }
    expect(signingPublicKeyPem(p.db)).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  test('a signature verifies; a one-character change of the hash or a flipped signature byte does not', () => {
    const hash = sha256Hex('{"a":1}');
    const { signature, keyId } = signContentHash(p.db, hash);
    expect(verifyContentHash(p.db, hash, signature, keyId)).toBe(true);
    const otherHash = (hash[0] === 'a' ? 'b' : 'a') + hash.slice(1);
    expect(verifyContentHash(p.db, otherHash, signature, keyId)).toBe(false);
    const bytes = Buffer.from(signature, 'base64');
    bytes[10]! ^= 1;
    expect(verifyContentHash(p.db, hash, bytes.toString('base64'), keyId)).toBe(false);
    expect(verifyContentHash(p.db, hash, 'garbage', keyId)).toBe(false);
  });

  test('another installation’s key does not verify here, whatever key id it claims', () => {
    const other = createTestDb();
    try {
      const cert = issue();
      const forged = signContentHash(other.db, cert.contentHash);
      expect(forged.keyId).not.toBe(cert.keyId);
      expect(verifyContentHash(p.db, cert.contentHash, forged.signature, forged.keyId)).toBe(false);
      expect(verifyContentHash(p.db, cert.contentHash, forged.signature, cert.keyId)).toBe(false);
      stmt(p.db, 'UPDATE certificate SET signature = ? WHERE id = ?').run(forged.signature, cert.id);
      expect(verifyCertificate(p.db, cert.serial).signatureValid).toBe(false);
    } finally {
      other.cleanup();
    }
  });
});

describe('verification', () => {
  test('a valid certificate shows its signed content and nothing about custody', () => {
    const cert = issue();
    const v = verifyCertificate(p.db, cert.serial);
    expect(v).toEqual({
      status: 'valid',
      serial: cert.serial,
      signatureValid: true,
      kind: 'module',
      holderName: 'Žanna Ķēniņa',
      title: { lv: 'Rokas lokmetināšana: 1. modulis', en: 'Manual arc welding: module 1' },
      hours: 160,
      level: 'LKI 2',
      issuer: 'Profesionālās izglītības centrs „Meistars”',
      issuedOn: '2026-03-02',
      completedOn: '2026-02-27',
      revokedAt: null,
      replacedBy: null,
    });
    const shown = JSON.stringify(v);
    for (const custody of [p.facilityA.name, p.learner.inmateNumber, 'learnerId']) expect(shown).not.toContain(custody);
  });

  test('an unknown serial is unknown', () => {
    expect(verifyCertificate(p.db, 'TLT-2026-ZZZZ-ZZZZ')).toEqual({ status: 'unknown', serial: 'TLT-2026-ZZZZ-ZZZZ', signatureValid: false });
    expect(verifyCertificate(p.db, 'hello').status).toBe('unknown');
  });

  test('a revoked certificate says so, with the date, but not the reason', () => {
    const cert = issue();
    expect(revokeCertificate(p.db, p.educationStaff.user, cert.serial, 'issued to the wrong learner', LATER).ok).toBe(true);
    const v = verifyCertificate(p.db, cert.serial);
    expect(v).toMatchObject({ status: 'revoked', signatureValid: true, revokedAt: LATER.toISOString() });
    expect(JSON.stringify(v)).not.toContain('wrong learner');
  });

  test.each([
    ['one byte of the content', `UPDATE certificate SET content_json = replace(content_json, '"hours":160', '"hours":960') WHERE id = ?`],
    ['the stored hash', `UPDATE certificate SET content_hash = substr(content_hash, 1, 63) || CASE WHEN substr(content_hash, 64) = '0' THEN '1' ELSE '0' END WHERE id = ?`],
    ['content with its hash recomputed', `UPDATE certificate SET content_json = replace(content_json, 'Žanna', 'Zanna') WHERE id = ?`],
    ['the serial inside the content', `UPDATE certificate SET content_json = replace(content_json, serial, 'TLT-2026-AAAA-AAAA') WHERE id = ?`],
    ['the content to garbage', `UPDATE certificate SET content_json = '1' WHERE id = ?`],
  ])('changing %s makes the signature fail', (what, sql) => {
    const cert = issue();
    stmt(p.db, sql).run(cert.id);
    const stored = () => stmt(p.db, 'SELECT content_json || content_hash FROM certificate WHERE id = ?').pluck().get(cert.id);
    expect(stored()).not.toBe(cert.contentJson + cert.contentHash);
    if (what === 'content with its hash recomputed') {
      const json = stmt(p.db, 'SELECT content_json FROM certificate WHERE id = ?').pluck().get(cert.id) as string;
      stmt(p.db, 'UPDATE certificate SET content_hash = ? WHERE id = ?').run(sha256Hex(json), cert.id);
    }
    const v = verifyCertificate(p.db, cert.serial);
    expect(v.status).toBe('valid');
    expect(v.signatureValid).toBe(false);
  });
});

describe('revoking', () => {
  test('needs a reason', () => {
    const cert = issue();
    expect(revokeCertificate(p.db, p.educationStaff.user, cert.serial, '   ', LATER)).toEqual({ ok: false, code: 'certificate.reasonRequired' });
    expect(getBySerial(p.db, cert.serial)?.revokedAt).toBeNull();
    expect(auditActions(p.db)).toEqual(['certificate.issue']);
  });

  test('records who, when and why, audited; a second revoke and an unknown serial are refused', () => {
    const cert = issue();
    const result = revokeCertificate(p.db, p.educationStaff.user, cert.serial, ' issued in error ', LATER);
    expect(result.ok && result.certificate).toMatchObject({ revokedAt: LATER.toISOString(), revokedBy: p.educationStaff.user.id, revokeReason: 'issued in error' });
    expect(revokeCertificate(p.db, p.educationStaff.user, cert.serial, 'again', LATER)).toEqual({ ok: false, code: 'certificate.alreadyRevoked' });
    expect(revokeCertificate(p.db, p.educationStaff.user, 'TLT-2026-ZZZZ-ZZZZ', 'x', LATER)).toEqual({ ok: false, code: 'certificate.unknown' });
    expect(auditActions(p.db)).toEqual(['certificate.issue', 'certificate.revoke']);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });
});

describe('re-issuing', () => {
  test('issues a corrected certificate under a new serial linked to the old one, which is revoked', () => {
    const old = issue({ holderName: 'Zanna Kenina' });
    const result = reissueCertificate(p.db, p.educationStaff.user, old.serial, { holderName: 'Žanna Ķēniņa' }, LATER);
    if (!result.ok) throw new Error(result.code);
    const fresh = result.certificate;
    expect(fresh.serial).not.toBe(old.serial);
    expect(fresh).toMatchObject({ replacesId: old.id, holderName: 'Žanna Ķēniņa', hours: old.hours, issuedOn: '2026-04-10', completedOn: old.completedOn });
    expect(getBySerial(p.db, old.serial)).toMatchObject({ revokedAt: LATER.toISOString(), revokeReason: `re-issued as ${fresh.serial}` });
    expect(verifyCertificate(p.db, old.serial)).toMatchObject({ status: 'revoked', replacedBy: fresh.serial });
    expect(verifyCertificate(p.db, fresh.serial)).toMatchObject({ status: 'valid', signatureValid: true, holderName: 'Žanna Ķēniņa' });
    expect(auditActions(p.db)).toEqual(['certificate.issue', 'certificate.reissue', 'certificate.revoke']);
    expect(verifyAuditChain(p.db).ok).toBe(true);
  });

  test('a certificate is replaced at most once; a revoked one may be re-issued once, keeping its own reason', () => {
    const old = issue();
    expect(reissueCertificate(p.db, p.educationStaff.user, old.serial, { hours: 170 }, LATER).ok).toBe(true);
    expect(reissueCertificate(p.db, p.educationStaff.user, old.serial, { hours: 180 }, LATER)).toEqual({ ok: false, code: 'certificate.alreadyReplaced' });
    const revoked = issue();
    revokeCertificate(p.db, p.educationStaff.user, revoked.serial, 'wrong hours', LATER);
    expect(reissueCertificate(p.db, p.educationStaff.user, revoked.serial, { hours: 120 }, LATER).ok).toBe(true);
    expect(getBySerial(p.db, revoked.serial)?.revokeReason).toBe('wrong hours');
    expect(reissueCertificate(p.db, p.educationStaff.user, 'TLT-2026-ZZZZ-ZZZZ', {}, LATER)).toEqual({ ok: false, code: 'certificate.unknown' });
  });

  test('a correction that names custody is refused with the field and the word; the old certificate stays valid', () => {
    const old = issue();
    expect(reissueCertificate(p.db, p.educationStaff.user, old.serial, { holderName: 'Žanna Ķēniņa, ieslodzītā' }, LATER)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'holderName',
      word: 'ieslodzītā',
    });
    expect(reissueCertificate(p.db, p.educationStaff.user, old.serial, { title: { ru: 'Сварка в тюрьме' } }, LATER)).toMatchObject({ field: 'title', word: 'тюрьме' });
    // The issuer can only change to another active provider of the register, whose name is checked too.
    const ievp = addProvider(p.db, 'Ieslodzījuma vietu pārvalde');
    expect(reissueCertificate(p.db, p.educationStaff.user, old.serial, { providerId: ievp }, LATER)).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'issuer',
      word: 'Ieslodzījuma vietu pārvalde',
    });
    const closed = addProvider(p.db, 'Slēgtā skola', { active: false });
    expect(reissueCertificate(p.db, p.educationStaff.user, old.serial, { providerId: closed }, LATER)).toEqual({ ok: false, code: 'provider.unknown' });
    expect(verifyCertificate(p.db, old.serial)).toMatchObject({ status: 'valid', issuer: 'Profesionālās izglītības centrs „Meistars”', replacedBy: null });
    expect(auditActions(p.db)).toEqual(['certificate.issue']);
    const other = addProvider(p.db, 'Rīgas Valsts tehnikums');
    const moved = reissueCertificate(p.db, p.educationStaff.user, old.serial, { providerId: other }, LATER);
    expect(moved.ok && [moved.certificate.issuer, moved.certificate.providerId]).toEqual(['Rīgas Valsts tehnikums', other]);
  });
});
