import type { Role } from '../../src/lib/shared/domain.ts';

/**
 * The demo accounts (src/lib/server/seed/demo.ts, listed in the README) the
 * tests sign in with. Written out here rather than imported, so a test also
 * fails when the documented accounts stop working.
 */
export type Credentials =
  | { kind: 'learner'; inmateNumber: string; pin: string }
  | { kind: 'staff'; username: string; password: string };

export const DEMO_PIN = '2468';

export const ACCOUNTS = {
  admin: { kind: 'staff', username: 'admin', password: 'tilts-admin-2026' },
  /** Education staff of Olaines cietums (OLA). */
  ievaOzola: { kind: 'staff', username: 'ieva.ozola', password: 'tilts-izglitiba-2026' },
  /** Education staff of Iļģuciema cietums (ILG); Russian by default. */
  marinaPetrova: { kind: 'staff', username: 'marina.petrova', password: 'tilts-izglitiba-2026' },
  /** Teacher, OLA. */
  janisLiepa: { kind: 'staff', username: 'janis.liepa', password: 'tilts-skolotajs-2026' },
  /** Teacher, ILG. */
  daigaBerzina: { kind: 'staff', username: 'daiga.berzina', password: 'tilts-skolotajs-2026' },
  /** Teacher, LIE; English by default. */
  peterisKrumins: { kind: 'staff', username: 'peteris.krumins', password: 'tilts-skolotajs-2026' },
  /** Supervisor, OLA. */
  andrisVitols: { kind: 'staff', username: 'andris.vitols', password: 'tilts-uzraugs-2026' },
  /** Supervisor, DAU; Russian by default. */
  olgaIvanova: { kind: 'staff', username: 'olga.ivanova', password: 'tilts-uzraugs-2026' },
  /** Employment-agency (NVA) consultant at Olaine. */
  annaKaleja: { kind: 'staff', username: 'anna.kaleja', password: 'tilts-nva-2026' },
  /** Released person (portal). */
  raivisCelmins: { kind: 'staff', username: 'raivis.celmins', password: 'tilts-portals-2026' },
  /** Learner at Olaine: /staff/learners/1. */
  learnerOla: { kind: 'learner', inmateNumber: '204101', pin: DEMO_PIN },
  /** Learner at Iļģuciems. */
  learnerIlg: { kind: 'learner', inmateNumber: '205211', pin: DEMO_PIN },
} as const satisfies Record<string, Credentials>;

/** One account per role, as the route × role matrix and the crawl use them. */
export const ROLE_ACCOUNT: Record<Role, Credentials> = {
  learner: ACCOUNTS.learnerOla,
  teacher: ACCOUNTS.janisLiepa,
  education_staff: ACCOUNTS.ievaOzola,
  supervisor: ACCOUNTS.andrisVitols,
  admin: ACCOUNTS.admin,
  released: ACCOUNTS.raivisCelmins,
  consultant: ACCOUNTS.annaKaleja,
};

/** Where each role lands after signing in. */
export const HOME: Record<Role, string> = {
  admin: '/admin',
  education_staff: '/staff',
  teacher: '/teach',
  supervisor: '/supervise',
  learner: '/learn',
  released: '/portal',
  consultant: '/consult',
};

/** The demo learner with this id (ids follow the seed order: inmate number 204101 + 37 per learner). */
export function demoInmateNumber(learnerId: number): string {
  return String(204_101 + (learnerId - 1) * 37);
}
