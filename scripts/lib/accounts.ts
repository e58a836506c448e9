import type { DemoAccount } from '../../src/lib/server/seed/demo.ts';

const ROLE_NAMES: Record<DemoAccount['role'], string> = {
  admin: 'admin',
  education_staff: 'education staff',
  teacher: 'teacher',
  supervisor: 'supervisor',
  learner: 'learner (inmate number + PIN)',
  released: 'released person',
  consultant: 'employment-agency (NVA) consultant',
};

/** The demo accounts as a plain table for the terminal. */
export function formatAccounts(accounts: DemoAccount[]): string {
  const rows = accounts.map((a) => [ROLE_NAMES[a.role], a.login, a.secret, a.name + (a.facility ? `, ${a.facility}` : '')]);
  const header = ['role', 'login', 'password/PIN', 'who'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const terminal = 'Learners sign in only on an approved terminal, 07:00–22:00: open /terminal, approve its code as andris.vitols under Terminals, sign out, sign in as the learner.';
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', terminal].join('\n');
}
