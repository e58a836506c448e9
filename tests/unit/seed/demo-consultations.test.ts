import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedDemo } from '../../../src/lib/server/seed/demo.ts';
import { seedDemoConsultations } from '../../../src/lib/server/seed/demo-consultations.ts';
import {
  consultationSchema,
  latestCareerConsultation,
  listConsultations,
  nextConsultationDue,
  rigaDate,
} from '../../../src/lib/server/placement/consultations.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';
import { createTestDb, type TestDb } from '../../helpers/fixture.ts';

// Seeding the demo hashes ~50 secrets: one database for the whole file.
const NOW = new Date('2026-01-15T08:00:00.000Z');
let t: TestDb;
beforeAll(async () => {
  t = createTestDb();
  await seedDemo(t.db, NOW);
  seedDemoConsultations(t.db, NOW);
}, 60_000);
afterAll(() => t?.cleanup());

const learnerId = (inmateNumber: string) => t.db.prepare('SELECT id FROM learner WHERE inmate_number = ?').pluck().get(inmateNumber) as number;
const ADMIN: SessionUser = { id: 1, role: 'admin', displayName: 'Anita Kalniņa', username: 'admin', facilityId: null, facilityIds: [], locale: 'lv', learnerId: null };

describe('the demo consultations', () => {
  test('204101 (Olaine) had a recent career consultation recommending welding, and an older one before it', () => {
    const latest = latestCareerConsultation(t.db, learnerId('204101'))!;
    expect(latest.interests).toEqual(['welding', 'construction']);
    expect(latest.recommended).toEqual(['welding']);
    expect(latest.facilityName).toBe('Olaines cietums');
    expect(latest.consultantName).toBe('Ieva Ozola');
    expect(listConsultations(t.db, ADMIN, learnerId('204101'))).toHaveLength(2);
  });

  test('one Olaine learner is overdue for the next consultation, one had the consultation before release', () => {
    const today = rigaDate(NOW);
    expect(nextConsultationDue(listConsultations(t.db, ADMIN, learnerId('204545'))!, today)?.overdue).toBe(true);
    expect(nextConsultationDue(listConsultations(t.db, ADMIN, learnerId('204101'))!, today)?.overdue).toBe(false);
    const before = listConsultations(t.db, ADMIN, learnerId('204989'))![0]!;
    expect(before.kind).toBe('pre_release');
    expect(before.checklist).toEqual({ documents: true, nvaRegistration: false, housing: false, contacts: true });
  });

  test('the learners the browser tests take as "no consultation yet" have none', () => {
    // 204804 (learner 20, Olaine): tests/e2e/education-staff/consultation.spec.ts records their first one.
    for (const n of ['204804', '204138', '204582']) expect(listConsultations(t.db, ADMIN, learnerId(n))).toEqual([]);
  });

  test('every demo consultation is one staff could have entered (the same rules as the form)', () => {
    const rows = t.db.prepare('SELECT learner_id FROM consultation').pluck().all() as number[];
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const id of new Set(rows)) {
      for (const c of listConsultations(t.db, ADMIN, id)!) {
        const { id: _id, learnerId: _l, facilityId: _f, facilityName: _n, consultantId: _c, consultantName: _cn, createdAt: _at, ...input } = c;
        expect(consultationSchema(NOW).safeParse(input).success, `consultation ${c.id}`).toBe(true);
      }
    }
  });
});
