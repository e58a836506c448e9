import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { appendAudit, SYSTEM_ACTOR } from '../../../src/lib/server/audit.ts';
import { auditPage, AUDIT_VIEW_PAGE_SIZE } from '../../../src/lib/server/audit-view.ts';
import { detailPairs } from '../../../src/lib/server/audit-format.ts';
import { auditActor } from '../../../src/lib/server/people/users.ts';
import { createPrison } from '../../helpers/fixture.ts';
import { approvedTerminal } from '../../helpers/terminal.ts';

let p: Awaited<ReturnType<typeof createPrison>>;
beforeEach(async () => {
  p = await createPrison();
});
afterEach(() => p.cleanup());

const page = (filter: Parameters<typeof auditPage>[1] = {}, cursor: Parameters<typeof auditPage>[2] = null) => auditPage(p.db, filter, cursor, 'en');

describe('the audit log as people read it', () => {
  test('the supervisor ending a learner’s session names the supervisor, the terminal and the learner, with links to the people', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    appendAudit(p.db, { actor: auditActor(p.supervisor.user), action: 'terminal.endSession', targetType: 'terminal', targetId: t.id, facilityId: p.facilityA.id, details: { learnerUserId: p.learner.user.id, reason: 'behaviour', note: 'Shouting' } });
    const { entries, names } = page();
    const e = entries.find((x) => x.action === 'terminal.endSession')!;
    expect(e.actor).toEqual({ name: 'Andris Vītols', href: `/admin/users/${p.supervisor.user.id}` });
    expect(e.actorRole).toBe('supervisor');
    expect(e.target?.name).toBe(t.name);
    expect(detailPairs(e.action, e.details, names, 'en')).toEqual([
      { label: 'Learner', value: 'Mārtiņš Bērziņš', href: `/staff/learners/${p.learner.learnerId}` },
      { label: 'Reason', value: 'Behaviour', href: null },
      { label: 'Note', value: 'Shouting', href: null },
    ]);
  });

  test('a released person’s portal sign-in is theirs, by name, not "{"kind":"staff"}"', () => {
    appendAudit(p.db, { actor: { id: p.released.user.id, label: p.released.login }, action: 'auth.login', targetType: 'user', targetId: p.released.user.id, details: { kind: 'staff' } });
    const e = page({ action: 'auth.login' }).entries[0]!;
    expect(e.actorRole).toBe('released');
    expect(e.actor?.href).toBe(`/staff/learners/${p.formerLearner.learnerId}`);
    // The credentials' kind is not shown: the label says it all.
    expect(detailPairs(e.action, e.details, page().names, 'en')).toEqual([]);
  });

  test('unknown detail keys show plainly as key: value; nested values and lists read as text, never JSON', () => {
    const pairs = detailPairs('facility.update', { before: { name: 'Old', code: 'OLA' }, mystery: ['a', 'b'], passed: true, count: 1234.5 }, page().names, 'lv');
    expect(pairs).toEqual([
      { label: 'Pirms', value: 'Nosaukums: Old; code: OLA', href: null },
      { label: 'mystery', value: 'a, b', href: null },
      { label: 'Nokārtots', value: 'jā', href: null },
      { label: 'count', value: new Intl.NumberFormat('lv').format(1234.5), href: null },
    ]);
  });

  test('filtering by person finds what they did and what was done to them, by name, username or inmate number', () => {
    const t = approvedTerminal(p.db, p.facilityA.id);
    appendAudit(p.db, { actor: auditActor(p.educationStaff.user), action: 'learner.pinReset', targetType: 'learner', targetId: p.learner.learnerId, details: {} });
    appendAudit(p.db, { actor: auditActor(p.supervisor.user), action: 'terminal.endSession', targetType: 'terminal', targetId: t.id, details: { learnerUserId: p.learner.user.id } });
    appendAudit(p.db, { actor: { id: p.learner.user.id, label: p.learner.inmateNumber }, action: 'auth.login', targetType: 'user', targetId: p.learner.user.id, details: { kind: 'learner' } });
    appendAudit(p.db, { actor: auditActor(p.educationStaff.user), action: 'learner.pinReset', targetType: 'learner', targetId: p.otherLearner.learnerId, details: {} });
    const actions = (person: string) => page({ person }).entries.map((e) => e.action).sort();
    expect(actions('Bērziņš')).toEqual(['auth.login', 'learner.pinReset', 'terminal.endSession']);
    expect(actions(p.learner.inmateNumber)).toEqual(['auth.login', 'learner.pinReset', 'terminal.endSession']);
    expect(actions('ieva.oz')).toEqual(['learner.pinReset', 'learner.pinReset']);
    // LIKE's wildcards typed by the user are taken literally.
    expect(page({ person: '%' }).total).toBe(0);
    expect(page({ person: 'Bērziņš', action: 'auth.login' }).total).toBe(1);
  });

  test('pages go by id both ways and say the true total and where they are', () => {
    for (let i = 0; i < AUDIT_VIEW_PAGE_SIZE * 2 + 5; i++) appendAudit(p.db, { actor: SYSTEM_ACTOR, action: 'timetable.slotAdd', details: { i } });
    const all = page({ action: 'timetable.slotAdd' });
    expect(all.total).toBe(AUDIT_VIEW_PAGE_SIZE * 2 + 5);
    expect(all.first).toBe(1);
    expect(all.newer).toBeNull();
    const second = page({ action: 'timetable.slotAdd' }, { before: all.older! });
    expect(second.first).toBe(AUDIT_VIEW_PAGE_SIZE + 1);
    expect(second.entries[0]!.id).toBeLessThan(all.entries.at(-1)!.id);
    const third = page({ action: 'timetable.slotAdd' }, { before: second.older! });
    expect(third.entries).toHaveLength(5);
    expect(third.older).toBeNull();
    // Back again: the newer page is the second page exactly.
    const back = page({ action: 'timetable.slotAdd' }, { after: third.newer! });
    expect(back.entries.map((e) => e.id)).toEqual(second.entries.map((e) => e.id));
    expect(back.first).toBe(AUDIT_VIEW_PAGE_SIZE + 1);
  });

  test('dates filter inclusively by day', () => {
    appendAudit(p.db, { actor: SYSTEM_ACTOR, action: 'room.create' }, new Date('2026-03-01T23:30:00Z'));
    appendAudit(p.db, { actor: SYSTEM_ACTOR, action: 'room.create' }, new Date('2026-03-02T08:00:00Z'));
    expect(page({ action: 'room.create', from: '2026-03-02', to: '2026-03-02' }).total).toBe(1);
    expect(page({ action: 'room.create', to: '2026-03-01' }).total).toBe(1);
  });
});
