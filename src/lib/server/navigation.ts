import { can, type Capability } from './policy.ts';
import type { SessionUser } from './session.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { Role } from '../shared/domain.ts';

export interface NavItem {
  href: string;
  label: MessageKey;
}

/** One entry of the header's menu: a link, or a group of links behind a disclosure. */
export type NavEntry = ({ kind: 'link' } & NavItem) | { kind: 'group'; id: string; label: MessageKey; items: NavItem[] };

type Section = { id: string; label: MessageKey; items: ReadonlyArray<NavItem & { needs: Capability }> };

// The menu in sections, in order; each item shows only to those holding its capability.
const SECTIONS: readonly Section[] = [
  { id: 'learn', label: 'nav.myLearning', items: [{ href: '/learn', label: 'nav.myLearning', needs: 'learn:access' }] },
  {
    id: 'teach',
    label: 'nav.teaching',
    items: [
      { href: '/teach', label: 'nav.teaching', needs: 'teach:access' },
      { href: '/teach/author', label: 'nav.author', needs: 'courses:author' },
    ],
  },
  {
    id: 'admin',
    label: 'nav.admin',
    items: [
      { href: '/admin', label: 'nav.admin', needs: 'admin:access' },
      { href: '/admin/users', label: 'nav.users', needs: 'users:manage' },
      { href: '/admin/facilities', label: 'nav.facilities', needs: 'facilities:manage' },
      { href: '/admin/providers', label: 'nav.providers', needs: 'providers:manage' },
      { href: '/admin/audit', label: 'nav.audit', needs: 'audit:view' },
    ],
  },
  {
    id: 'staff',
    label: 'nav.education',
    items: [
      { href: '/staff', label: 'nav.education', needs: 'staff:access' },
      { href: '/staff/learners', label: 'nav.learners', needs: 'learners:edit' },
      { href: '/staff/roster', label: 'nav.roster', needs: 'roster:import' },
      { href: '/staff/programmes', label: 'nav.programmes', needs: 'programmes:manage' },
      { href: '/staff/indicators', label: 'nav.indicators', needs: 'indicators:view' },
      { href: '/staff/certificates', label: 'nav.certificates', needs: 'certificates:issue' },
    ],
  },
  {
    id: 'supervise',
    label: 'nav.supervision',
    items: [
      { href: '/supervise', label: 'nav.supervision', needs: 'supervise:access' },
      { href: '/supervise/terminals', label: 'nav.terminals', needs: 'terminals:manage' },
      { href: '/supervise/timetable', label: 'nav.timetable', needs: 'timetable:manage' },
    ],
  },
  { id: 'portal', label: 'nav.portal', items: [{ href: '/portal', label: 'nav.portal', needs: 'portal:access' }] },
  { id: 'consult', label: 'nav.consult', items: [{ href: '/consult', label: 'nav.consult', needs: 'consult:access' }] },
];

/** The section of a person's daily work: its pages stay in the bar; other sections of two or more pages fold into a group. */
const HOME_SECTION: Record<Role, string> = {
  admin: 'admin',
  education_staff: 'staff',
  teacher: 'teach',
  supervisor: 'supervise',
  learner: 'learn',
  released: 'portal',
  consultant: 'consult',
};

/** Every page of the menu the user may open, flat (for tests and the current-page match). */
export function menuFor(user: SessionUser | null): NavItem[] {
  if (!user) return [];
  const account = accountItem(user);
  return [...SECTIONS.flatMap((s) => s.items.filter((item) => can(user, item.needs)).map(({ href, label }) => ({ href, label }))), ...(account ? [account] : [])];
}

/**
 * The header's menu: the pages of the user's own section as links, then each
 * other section as one link (one page) or a group (several), so that the
 * administrator's dozen pages fit one row at 1,280 px.
 */
export function navFor(user: SessionUser | null): NavEntry[] {
  if (!user) return [];
  const home = HOME_SECTION[user.role];
  const entries: NavEntry[] = [];
  const sections = [...SECTIONS].sort((a, b) => Number(b.id === home) - Number(a.id === home));
  for (const section of sections) {
    const items = section.items.filter((item) => can(user, item.needs)).map(({ href, label }) => ({ href, label }));
    if (items.length === 0) continue;
    if (section.id === home || items.length === 1) entries.push(...items.map((item) => ({ kind: 'link' as const, ...item })));
    else entries.push({ kind: 'group', id: section.id, label: section.label, items });
  }
  return entries;
}

/** The account page in the user menu, when the user has one. */
export function accountItem(user: SessionUser | null): NavItem | null {
  return user && can(user, 'account:password') ? { href: '/account', label: 'nav.account' } : null;
}

/** The menu item a path belongs to (the longest matching prefix). */
export function currentItem(items: NavItem[], pathname: string): string | null {
  let best: string | null = null;
  for (const { href } of items) {
    if ((pathname === href || pathname.startsWith(href + '/')) && (!best || href.length > best.length)) best = href;
  }
  return best;
}
