import { describe, expect, test } from 'vitest';
import { ALL_CAPABILITIES, can, decideRoute, facilitiesFor, routeAccess, type Actor, type Capability } from '../../../src/lib/server/policy.ts';
import { currentItem, menuFor } from '../../../src/lib/server/navigation.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';
import { ROLES, type Role } from '../../../src/lib/shared/domain.ts';

/**
 * The policy written out again, by hand: 'any' = everywhere, 'facility' = in
 * the actor's own (and granted) prisons, '-' = never. A change to
 * src/lib/server/policy.ts must be mirrored here on purpose.
 */
type Expect = 'any' | 'facility' | '-';
const ROLE_ORDER = ['admin', 'education_staff', 'teacher', 'supervisor', 'learner', 'released', 'consultant'] as const satisfies readonly Role[];
//                                              admin   edu staff    teacher     supervisor  learner released consultant
const EXPECTED: Record<Capability, [Expect, Expect, Expect, Expect, Expect, Expect, Expect]> = {
  'learn:access':       ['-',   '-',        '-',        '-',        'any', '-', '-'],
  'teach:access':       ['-',   '-',        'any',      '-',        '-',   '-', '-'],
  'staff:access':       ['-',   'any',      '-',        '-',        '-',   '-', '-'],
  'supervise:access':   ['-',   '-',        '-',        'any',      '-',   '-', '-'],
  'admin:access':       ['any', '-',        '-',        '-',        '-',   '-', '-'],
  'portal:access':      ['-',   '-',        '-',        '-',        '-',   'any', '-'],
  'account:password':   ['any', 'any',      'any',      'any',      '-',   '-', 'any'],
  'users:manage':       ['any', '-',        '-',        '-',        '-',   '-', '-'],
  'facilities:manage':  ['any', '-',        '-',        '-',        '-',   '-', '-'],
  'providers:manage':   ['any', '-',        '-',        '-',        '-',   '-', '-'],
  'audit:view':         ['any', '-',        '-',        '-',        '-',   '-', '-'],
  'learners:view':      ['any', 'facility', 'facility', 'facility', '-',   '-', 'facility'],
  'learners:edit':      ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'learners:resetPin':  ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'learning:study':     ['-',   '-',        '-',        '-',        'any', '-', '-'],
  'gradebook:view':     ['-',   '-',        'facility', '-',        '-',   '-', '-'],
  'quiz:extraTry':      ['-',   '-',        'facility', '-',        '-',   '-', '-'],
  'courses:author':     ['-',   '-',        'any',      '-',        '-',   '-', '-'],
  'consultations:record': ['any', 'facility', '-',      '-',        '-',   '-', 'facility'],
  'programmes:manage':  ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'placement:manage':   ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'indicators:view':    ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'roster:import':      ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'certificates:issue': ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'portal:activate':    ['any', 'facility', '-',        '-',        '-',   '-', '-'],
  'consult:access':     ['-',   '-',        '-',        '-',        '-',   '-',   'any'],
  'terminals:manage':   ['any', '-',        '-',        'facility', '-',   '-', '-'],
  'timetable:manage':   ['any', 'facility', '-',        'facility', '-',   '-', '-'],
};
const expected = (capability: Capability, role: Role): Expect => EXPECTED[capability][ROLE_ORDER.indexOf(role as (typeof ROLE_ORDER)[number])]!;

const HOME = 1;
const OTHER = 2;
const actor = (role: Role, facilityIds: number[] = [HOME]): Actor => ({ id: 7, role, facilityIds });
const sessionUser = (role: Role, facilityIds: number[]): SessionUser => ({
  id: 7,
  role,
  facilityIds,
  displayName: 'Test',
  username: role === 'learner' ? null : 'test',
  facilityId: facilityIds[0] ?? null,
  locale: 'lv',
  learnerId: role === 'learner' ? 1 : null,
});

test('the expectation table names every capability and every role of the policy', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...ALL_CAPABILITIES].sort());
  expect([...ROLE_ORDER].sort()).toEqual([...ROLES].sort());
});

describe.each(ALL_CAPABILITIES)('capability %s', (capability) => {
  test.each(ROLES)('%s', (role) => {
    const grant = expected(capability, role);
    const a = actor(role);
    expect(can(a, capability), 'without a scope').toBe(grant !== '-');
    expect(can(a, capability, { facilityId: HOME }), 'in the home prison').toBe(grant !== '-');
    expect(can(a, capability, { facilityId: OTHER }), 'in another prison').toBe(grant === 'any');
    expect(can(actor(role, [HOME, OTHER]), capability, { facilityId: OTHER }), 'in a granted prison').toBe(grant !== '-');
    expect(facilitiesFor(a, capability)).toEqual(grant === 'any' ? 'all' : grant === 'facility' ? [HOME] : []);
  });
});

describe('facility scoping', () => {
  test('education staff of one prison cannot act on learners of another', () => {
    const staff = actor('education_staff');
    expect(can(staff, 'learners:view', { facilityId: OTHER })).toBe(false);
    expect(can(staff, 'learners:edit', { facilityId: OTHER })).toBe(false);
    expect(can(staff, 'learners:resetPin', { facilityId: OTHER })).toBe(false);
  });

  test('a grant on another prison lets staff act there too', () => {
    const staff = actor('education_staff', [HOME, OTHER]);
    expect(can(staff, 'learners:edit', { facilityId: OTHER })).toBe(true);
    expect(facilitiesFor(staff, 'learners:view')).toEqual([HOME, OTHER]);
  });

  test('a record with no facility is out of reach of facility-bound staff but not of admins', () => {
    expect(can(actor('education_staff'), 'learners:view', { facilityId: null })).toBe(false);
    expect(can(actor('admin', []), 'learners:view', { facilityId: null })).toBe(true);
  });

  test('staff without any facility see no learners anywhere', () => {
    expect(can(actor('teacher', []), 'learners:view', { facilityId: HOME })).toBe(false);
    expect(facilitiesFor(actor('teacher', []), 'learners:view')).toEqual([]);
  });

  test('nobody signed in can do nothing', () => {
    for (const c of ALL_CAPABILITIES) expect(can(null, c)).toBe(false);
  });
});

/** Routes and what they need, written out by hand (see ROUTE_RULES). */
const ROUTES: Array<[path: string, needs: 'public' | 'signedIn' | Capability]> = [
  ['/login', 'public'],
  ['/login/', 'public'],
  ['/about', 'public'],
  ['/verify', 'public'],
  ['/verify/TLT-2026-ABCD-EFGH', 'public'],
  ['/verifyx', 'signedIn'],
  ['/healthz', 'public'],
  ['/lang/ru', 'public'],
  ['/logout', 'signedIn'],
  ['/api/session/touch', 'signedIn'],
  ['/', 'signedIn'],
  ['/no-such-page', 'signedIn'],
  ['/loginx', 'signedIn'],
  ['/learner', 'signedIn'],
  ['/account', 'account:password'],
  ['/learn', 'learn:access'],
  ['/learn/courses/3', 'learn:access'],
  ['/api/learn/progress', 'learning:study'],
  ['/api/learner', 'signedIn'],
  ['/teach', 'teach:access'],
  ['/staff', 'staff:access'],
  ['/staff/consultations', 'staff:access'],
  ['/staff/learners', 'learners:edit'],
  ['/staff/learners/12', 'learners:edit'],
  ['/staff/learners/12/placement', 'learners:edit'],
  ['/staff/learners/12/consultations', 'consultations:record'],
  ['/staff/learners/12/consultations/new', 'consultations:record'],
  ['/staff/learners/12/consultationsX', 'learners:edit'],
  ['/staff/learners/x/consultations', 'learners:edit'],
  ['/staff/programmes/3', 'programmes:manage'],
  ['/staff/reports', 'programmes:manage'],
  ['/consult', 'consult:access'],
  ['/h5p/player/3.8.2/main.bundle.js', 'public'],
  ['/h5p/play/1.2.abc/', 'public'],
  ['/staff/roster', 'roster:import'],
  ['/supervise', 'supervise:access'],
  ['/admin', 'admin:access'],
  ['/admin/', 'admin:access'],
  ['/admin/users', 'users:manage'],
  ['/admin/users/5/edit', 'users:manage'],
  ['/admin/usersX', 'admin:access'],
  ['/admin/facilities', 'facilities:manage'],
  ['/admin/providers', 'providers:manage'],
  ['/admin/providers/3', 'providers:manage'],
  ['/admin/audit', 'audit:view'],
  ['/portal', 'portal:access'],
  ['/portal/transcript.pdf', 'portal:access'],
  ['/portal/certificates/TLT-2026-2222-2222.pdf', 'portal:access'],
  ['/portal/activate', 'public'],
  ['/portal/login', 'public'],
  ['/portal/activateX', 'portal:access'],
  ['/staff/learners/12/portal', 'portal:activate'],
  ['/staff/learners/12/portal/x', 'learners:edit'],
];

describe('route decisions', () => {
  test.each(ROUTES)('%s needs %s', (path, needs) => {
    expect(routeAccess(path)).toBe(needs);
  });

  test.each(ROUTES)('a stranger opening %s', (path, needs) => {
    expect(decideRoute(null, path)).toBe(needs === 'public' ? 'allow' : 'signIn');
  });

  describe.each(ROLES)('%s', (role) => {
    test.each(ROUTES)('opening %s', (path, needs) => {
      const outcome = needs === 'public' || needs === 'signedIn' || expected(needs, role) !== '-' ? 'allow' : 'forbidden';
      expect(decideRoute(actor(role), path)).toBe(outcome);
    });
  });
});

describe('menu', () => {
  test('a learner sees only their learning', () => {
    expect(menuFor(sessionUser('learner', [HOME]))).toEqual([
      { href: '/learn', label: 'nav.myLearning' },
    ]);
  });

  test('an admin sees administration and never the learner area', () => {
    const hrefs = menuFor(sessionUser('admin', [])).map((i) => i.href);
    expect(hrefs).toEqual(expect.arrayContaining(['/admin', '/admin/users', '/admin/providers', '/admin/audit', '/account']));
    expect(hrefs).not.toContain('/learn');
  });

  test('nobody signed in gets no menu; the current item is the longest matching prefix', () => {
    expect(menuFor(null)).toEqual([]);
    const items = [{ href: '/admin', label: 'nav.admin' as const }, { href: '/admin/users', label: 'nav.users' as const }];
    expect(currentItem(items, '/admin/users/4')).toBe('/admin/users');
    expect(currentItem(items, '/admin')).toBe('/admin');
    expect(currentItem(items, '/adminx')).toBeNull();
  });
});
