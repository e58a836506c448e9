import { can, type Capability } from './policy.ts';
import type { SessionUser } from './session.ts';
import type { MessageKey } from '../i18n/index.ts';

export interface NavItem {
  href: string;
  label: MessageKey;
}

// The menu, in order; each item shows only to those holding its capability.
const MENU: ReadonlyArray<NavItem & { needs: Capability }> = [
  { href: '/learn', label: 'nav.myLearning', needs: 'learn:access' },
  { href: '/teach', label: 'nav.teaching', needs: 'teach:access' },
  { href: '/teach/author', label: 'nav.author', needs: 'courses:author' },
  { href: '/staff', label: 'nav.education', needs: 'staff:access' },
  { href: '/supervise', label: 'nav.supervision', needs: 'supervise:access' },
  { href: '/supervise/terminals', label: 'nav.terminals', needs: 'terminals:manage' },
  { href: '/supervise/timetable', label: 'nav.timetable', needs: 'timetable:manage' },
  { href: '/admin', label: 'nav.admin', needs: 'admin:access' },
  { href: '/admin/users', label: 'nav.users', needs: 'users:manage' },
  { href: '/staff/learners', label: 'nav.learners', needs: 'learners:edit' },
  { href: '/staff/roster', label: 'nav.roster', needs: 'roster:import' },
  { href: '/staff/programmes', label: 'nav.programmes', needs: 'programmes:manage' },
  { href: '/staff/reports', label: 'nav.reports', needs: 'programmes:manage' },
  { href: '/staff/certificates', label: 'nav.certificates', needs: 'certificates:issue' },
  { href: '/admin/facilities', label: 'nav.facilities', needs: 'facilities:manage' },
  { href: '/admin/providers', label: 'nav.providers', needs: 'providers:manage' },
  { href: '/admin/audit', label: 'nav.audit', needs: 'audit:view' },
  { href: '/portal', label: 'nav.portal', needs: 'portal:access' },
  { href: '/consult', label: 'nav.consult', needs: 'consult:access' },
  { href: '/account', label: 'nav.account', needs: 'account:password' },
];

export function menuFor(user: SessionUser | null): NavItem[] {
  if (!user) return [];
  return MENU.filter((item) => can(user, item.needs)).map(({ href, label }) => ({ href, label }));
}

/** The menu item a path belongs to (the longest matching prefix). */
export function currentItem(items: NavItem[], pathname: string): string | null {
  let best: string | null = null;
  for (const { href } of items) {
    if ((pathname === href || pathname.startsWith(href + '/')) && (!best || href.length > best.length)) best = href;
  }
  return best;
}
