import { stmt, type Db } from '../db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';
import { hashSecret } from '../password.ts';
import type { EducationLevel, LatvianLevel, Locale, Role } from '../../shared/domain.ts';

/**
 * Demo data that reads like a real prison education department: the five
 * facilities, staff in every role, and forty learners with varied education,
 * Latvian levels and release dates. Only for an empty database.
 */

export const DEMO_FACILITIES = [
  { code: 'OLA', name: 'Olaines cietums' },
  { code: 'ILG', name: 'Iļģuciema cietums' },
  { code: 'JEL', name: 'Jelgavas cietums' },
  { code: 'DAU', name: 'Daugavgrīvas cietums' },
  { code: 'LIE', name: 'Liepājas cietums' },
] as const;

/** A sign-in the README and `npm start` list. */
export interface DemoAccount {
  role: Role;
  login: string;
  secret: string;
  name: string;
  facility: string | null;
}

const STAFF: ReadonlyArray<{ role: Exclude<Role, 'learner'>; username: string; password: string; name: string; facility: string | null; locale: Locale }> = [
  { role: 'admin', username: 'admin', password: 'tilts-admin-2026', name: 'Anita Kalniņa', facility: null, locale: 'lv' },
  { role: 'education_staff', username: 'ieva.ozola', password: 'tilts-izglitiba-2026', name: 'Ieva Ozola', facility: 'OLA', locale: 'lv' },
  { role: 'education_staff', username: 'marina.petrova', password: 'tilts-izglitiba-2026', name: 'Marina Petrova', facility: 'ILG', locale: 'ru' },
  { role: 'teacher', username: 'janis.liepa', password: 'tilts-skolotajs-2026', name: 'Jānis Liepa', facility: 'OLA', locale: 'lv' },
  { role: 'teacher', username: 'daiga.berzina', password: 'tilts-skolotajs-2026', name: 'Daiga Bērziņa', facility: 'ILG', locale: 'lv' },
  { role: 'teacher', username: 'peteris.krumins', password: 'tilts-skolotajs-2026', name: 'Pēteris Krūmiņš', facility: 'LIE', locale: 'en' },
  { role: 'supervisor', username: 'andris.vitols', password: 'tilts-uzraugs-2026', name: 'Andris Vītols', facility: 'OLA', locale: 'lv' },
  { role: 'supervisor', username: 'olga.ivanova', password: 'tilts-uzraugs-2026', name: 'Olga Ivanova', facility: 'DAU', locale: 'ru' },
  { role: 'released', username: 'raivis.celmins', password: 'tilts-portals-2026', name: 'Raivis Celmiņš', facility: null, locale: 'lv' },
  { role: 'consultant', username: 'anna.kaleja', password: 'tilts-nva-2026', name: 'Anna Kalēja', facility: 'OLA', locale: 'lv' },
];

/** Every demo learner signs in with this PIN. */
export const DEMO_LEARNER_PIN = '2468';

const MEN: ReadonlyArray<[string, string]> = [
  ['Mārtiņš', 'Bērziņš'], ['Edgars', 'Kalniņš'], ['Artūrs', 'Ozols'], ['Kristaps', 'Jansons'], ['Rihards', 'Vanags'],
  ['Dāvis', 'Zariņš'], ['Aigars', 'Krūmiņš'], ['Normunds', 'Eglītis'], ['Gints', 'Lapiņš'], ['Valdis', 'Balodis'],
  ['Roberts', 'Siliņš'], ['Ainārs', 'Kļaviņš'], ['Juris', 'Pētersons'], ['Sandis', 'Strazds'], ['Kaspars', 'Grīnbergs'],
  ['Uldis', 'Dzenis'], ['Ģirts', 'Šmits'], ['Toms', 'Rozītis'], ['Reinis', 'Zvaigzne'], ['Oskars', 'Ābele'],
  ['Ivars', 'Lūsis'], ['Māris', 'Cīrulis'], ['Aleksandrs', 'Kuzņecovs'], ['Dmitrijs', 'Smirnovs'], ['Sergejs', 'Popovs'],
  ['Vladimirs', 'Vasiļjevs'], ['Andrejs', 'Sokolovs'], ['Nikolajs', 'Volkovs'], ['Jevgēņijs', 'Morozovs'], ['Artjoms', 'Fjodorovs'],
];
const WOMEN: ReadonlyArray<[string, string]> = [
  ['Līga', 'Bērziņa'], ['Inese', 'Kalniņa'], ['Santa', 'Ozola'], ['Evija', 'Liepiņa'], ['Kristīne', 'Jansone'],
  ['Dace', 'Zariņa'], ['Jeļena', 'Ivanova'], ['Natālija', 'Kozlova'], ['Agnese', 'Vītola'], ['Ilze', 'Siliņa'],
];
const EDUCATION: EducationLevel[] = ['none', 'primary', 'primary', 'basic', 'basic', 'basic', 'secondary', 'secondary', 'vocational', 'higher'];
const LATVIAN: LatvianLevel[] = ['none', 'A1', 'A2', 'A2', 'B1', 'B2', 'C1', 'C1', 'C2'];
const MALE_FACILITIES = ['OLA', 'OLA', 'JEL', 'DAU', 'LIE', 'LIE'];

/** A small deterministic generator, so every demo database looks the same. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function isEmpty(db: Db): boolean {
  return (stmt(db, 'SELECT count(*) FROM user').pluck().get() as number) === 0;
}

interface DemoLearner {
  given: string;
  surname: string;
  facility: string;
  inmateNumber: string;
  birthYear: number;
  education: EducationLevel;
  latvian: LatvianLevel;
  release: string;
  locale: Locale;
}

/** The forty demo learners; the same names and numbers every time, release dates from `today`. */
export function demoLearners(today: Date): DemoLearner[] {
  const random = generator(2026);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return [
    ...MEN.map(([given, surname], i) => ({ given, surname, facility: MALE_FACILITIES[i % MALE_FACILITIES.length]!, russian: i >= 22 })),
    ...WOMEN.map(([given, surname], i) => ({ given, surname, facility: 'ILG', russian: i === 6 || i === 7 })),
  ].map((p, i) => {
    const daysToRelease = Math.round(20 + random() * 6 * 365);
    return {
      given: p.given,
      surname: p.surname,
      facility: p.facility,
      inmateNumber: String(204_101 + i * 37),
      birthYear: 1965 + Math.floor(random() * 40),
      education: pick(EDUCATION),
      latvian: p.russian ? pick(['A1', 'A2', 'A2', 'B1'] as LatvianLevel[]) : pick(LATVIAN.slice(5)),
      release: new Date(today.getTime() + daysToRelease * 86_400_000).toISOString().slice(0, 10),
      locale: (p.russian ? 'ru' : 'lv') as Locale,
    };
  });
}

/** The demo sign-ins to list: every staff account and two learners (Olaine, Iļģuciems). */
export function demoAccounts(): DemoAccount[] {
  const names = new Map<string, string>(DEMO_FACILITIES.map((f) => [f.code, f.name]));
  const learners = demoLearners(new Date());
  const shown = [learners.find((l) => l.facility === 'OLA')!, learners.find((l) => l.facility === 'ILG')!];
  return [
    ...STAFF.map((s) => ({ role: s.role, login: s.username, secret: s.password, name: s.name, facility: s.facility ? names.get(s.facility)! : null })),
    ...shown.map((l) => ({ role: 'learner' as const, login: l.inmateNumber, secret: DEMO_LEARNER_PIN, name: `${l.given} ${l.surname}`, facility: names.get(l.facility)! })),
  ];
}

/** True when this database holds the demo (so its accounts may be printed). */
export function hasDemo(db: Db): boolean {
  return stmt(db, "SELECT 1 FROM audit_log WHERE action = 'system.demoSeeded' LIMIT 1").get() !== undefined;
}

/** Fills an empty database with the demo; returns the accounts to print. */
export async function seedDemo(db: Db, today = new Date()): Promise<DemoAccount[]> {
  if (!isEmpty(db)) throw new Error('The database already has users; the demo goes only into an empty database.');
  const learners = demoLearners(today);

  // Hash outside the transaction (scrypt is slow on purpose and asynchronous).
  const staffHashes = await Promise.all(STAFF.map((s) => hashSecret(s.password)));
  const learnerHashes = await Promise.all(learners.map(() => hashSecret(DEMO_LEARNER_PIN)));

  const now = today.toISOString();
  db.transaction(() => {
    const facilityIds = new Map<string, number>();
    for (const f of DEMO_FACILITIES) {
      const id = Number(
        stmt(db, 'INSERT INTO facility (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(f.code, f.name, now, now).lastInsertRowid,
      );
      facilityIds.set(f.code, id);
      // Terminals (issue 7): one computer room per prison and learning hours every day 07:00–22:00,
      // so the demo works most of the day. No terminal is approved: README, "Trying the learner".
      stmt(db, 'INSERT INTO room (facility_id, name, created_at) VALUES (?, ?, ?)').run(id, 'Datorklase 1', now);
      for (let weekday = 1; weekday <= 7; weekday++) {
        stmt(db, 'INSERT INTO learning_slot (facility_id, weekday, starts_at, ends_at) VALUES (?, ?, ?, ?)').run(id, weekday, '07:00', '22:00');
      }
    }
    const insertUser = stmt(
      db,
      `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    STAFF.forEach((s, i) => {
      insertUser.run(s.role, s.username, s.name, s.facility ? facilityIds.get(s.facility)! : null, staffHashes[i]!, s.locale, now, now);
    });
    const insertLearner = stmt(
      db,
      `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level,
         expected_release_date, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'in_custody', ?, ?)`,
    );
    learners.forEach((l, i) => {
      const userId = Number(
        insertUser.run('learner', null, `${l.given} ${l.surname}`, facilityIds.get(l.facility)!, learnerHashes[i]!, l.locale, now, now)
          .lastInsertRowid,
      );
      insertLearner.run(userId, l.inmateNumber, l.surname, l.given, l.birthYear, l.education, l.latvian, l.release, now, now);
    });
    // Every demo learner has a PIN they know (pin-slips.ts issues none to them unless asked to replace it).
    stmt(db, 'UPDATE learner SET pin_issued_at = created_at WHERE pin_issued_at IS NULL').run();
    // The demo released person was once a learner at Olaine.
    const releasedUser = stmt(db, "SELECT id FROM user WHERE username = 'raivis.celmins'").pluck().get() as number;
    const formerUser = Number(
      insertUser.run('learner', null, 'Raivis Celmiņš', facilityIds.get('OLA')!, null, 'lv', now, now).lastInsertRowid,
    );
    stmt(
      db,
      `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level,
         expected_release_date, status, portal_user_id, created_at, updated_at)
       VALUES (?, '198877', 'Celmiņš', 'Raivis', 1988, 'basic', 'C1', ?, 'released', ?, ?, ?)`,
    ).run(formerUser, today.toISOString().slice(0, 10), releasedUser, now, now);
    stmt(db, 'UPDATE user SET active = 0 WHERE id = ?').run(formerUser);
    appendAudit(db, { actor: SYSTEM_ACTOR, action: 'system.demoSeeded', details: { facilities: DEMO_FACILITIES.length, learners: learners.length } });
  }).immediate();

  return demoAccounts();
}
