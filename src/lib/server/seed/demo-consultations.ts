import { stmt, type Db } from '../db.ts';
import type { Interest } from '../placement/interests.ts';
import type { ConsultationKind, ConsultationMode, PreReleaseChecklist } from '../placement/consultations.ts';
import { rigaDate } from '../placement/consultations.ts';

/**
 * Demo career consultations, dated from `now` so that the learner pages read
 * the same every day: 204101 (Olaine) had a recent one recommending welding
 * (and an older one before it), 204545 (Olaine) is overdue for the next one,
 * 204989 (Olaine) had the consultation before release, and one learner each
 * at Iļģuciems and Liepāja. Every other demo learner has none yet.
 */

interface DemoConsultation {
  inmateNumber: string;
  /** Username of the staff member who recorded it. */
  consultant: string;
  kind: ConsultationKind;
  /** Days before `now`. */
  daysAgo: number;
  mode: ConsultationMode;
  educationHistory: string;
  workHistory: string;
  interests: Interest[];
  strengths: string;
  constraints: string;
  goalAfterRelease: string;
  recommended: Interest[];
  notes: string;
  /** Days after `now` (negative: already passed); null: none planned. */
  nextInDays: number | null;
  checklist?: PreReleaseChecklist;
}

const CONSULTATIONS: DemoConsultation[] = [
  {
    inmateNumber: '204101',
    consultant: 'ieva.ozola',
    kind: 'career',
    daysAgo: 240,
    mode: 'online',
    educationHistory: 'Pamatizglītība (9 klases).',
    workHistory: 'Palīgstrādnieks būvniecībā, 2 gadi.',
    interests: ['construction', 'driving'],
    strengths: 'Labprāt strādā ar rokām.',
    constraints: 'Nav B kategorijas tiesību.',
    goalAfterRelease: 'Darbs būvniecībā.',
    recommended: ['construction'],
    notes: 'Attālināti kopā ar NVA karjeras konsultanti.',
    nextInDays: -60,
  },
  {
    inmateNumber: '204101',
    consultant: 'ieva.ozola',
    kind: 'career',
    daysAgo: 20,
    mode: 'in_person',
    educationHistory: 'Pamatizglītība (9 klases). Latviešu valodas kurss A2 Tiltos.',
    workHistory: 'Palīgstrādnieks būvniecībā, 2 gadi; metināšanas darbi kā palīgs.',
    interests: ['welding', 'construction'],
    strengths: 'Precīzs, izturīgs, labi strādā komandā.',
    constraints: 'Līdz atbrīvošanai vairāk nekā gads.',
    goalAfterRelease: 'Strādāt par rokas lokmetinātāju.',
    recommended: ['welding'],
    notes: 'Ieteikta metināšanas programma (480 stundas).',
    nextInDays: 90,
  },
  {
    inmateNumber: '204545',
    consultant: 'ieva.ozola',
    kind: 'career',
    daysAgo: 200,
    mode: 'in_person',
    educationHistory: 'Vispārējā vidējā izglītība.',
    workHistory: 'Virtuves darbinieks kafejnīcā.',
    interests: ['cooking', 'bakery'],
    strengths: 'Pieredze virtuvē.',
    constraints: '',
    goalAfterRelease: 'Pavāra palīgs.',
    recommended: ['cooking'],
    notes: '',
    nextInDays: -20,
  },
  {
    inmateNumber: '204989',
    consultant: 'ieva.ozola',
    kind: 'career',
    daysAgo: 365,
    mode: 'in_person',
    educationHistory: 'Pamatizglītība.',
    workHistory: 'Autoservisa palīgs.',
    interests: ['car_repair', 'driving'],
    strengths: 'Saprot tehniku.',
    constraints: 'Latviešu valoda A2.',
    goalAfterRelease: 'Darbs autoservisā.',
    recommended: ['car_repair', 'state_language'],
    notes: '',
    nextInDays: null,
  },
  {
    inmateNumber: '204989',
    consultant: 'ieva.ozola',
    kind: 'pre_release',
    daysAgo: 10,
    mode: 'online',
    educationHistory: '',
    workHistory: '',
    interests: ['car_repair'],
    strengths: '',
    constraints: 'Nav deklarētas dzīvesvietas.',
    goalAfterRelease: 'Reģistrēties NVA un meklēt darbu autoservisā.',
    recommended: ['car_repair'],
    notes: 'NVA konsultante tiešsaistē. Pase derīga.',
    nextInDays: 30,
    checklist: { documents: true, nvaRegistration: false, housing: false, contacts: true },
  },
  {
    inmateNumber: '205211',
    consultant: 'marina.petrova',
    kind: 'career',
    daysAgo: 45,
    mode: 'in_person',
    educationHistory: 'Pamatizglītība.',
    workHistory: 'Šuvēja ražotnē, 3 gadi.',
    interests: ['sewing', 'care_work'],
    strengths: 'Pacietīga, rūpīga.',
    constraints: '',
    goalAfterRelease: 'Šuvēja vai aprūpētāja.',
    recommended: ['sewing'],
    notes: '',
    nextInDays: 120,
  },
  {
    inmateNumber: '204249',
    consultant: 'admin',
    kind: 'career',
    daysAgo: 60,
    mode: 'online',
    educationHistory: 'Arodizglītība (galdnieks).',
    workHistory: 'Kokapstrādes uzņēmumā, 5 gadi.',
    interests: ['woodwork', 'forestry'],
    strengths: 'Kvalifikācija galdniecībā.',
    constraints: '',
    goalAfterRelease: 'Atgriezties kokapstrādē.',
    recommended: ['woodwork'],
    notes: 'NVA konsultants no Liepājas filiāles.',
    nextInDays: 60,
  },
];

const DAY_MS = 86_400_000;

/** Adds the demo consultations (learners or staff missing from the database are skipped). */
export function seedDemoConsultations(db: Db, now = new Date()): { consultations: number } {
  const day = (offset: number) => rigaDate(new Date(now.getTime() + offset * DAY_MS));
  const insert = stmt(
    db,
    `INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, consultant_id, education_history, work_history,
       interests_json, strengths, constraints, latvian_level, goal_after_release, recommended_json, notes, next_on, checklist_json,
       created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let count = 0;
  db.transaction(() => {
    for (const c of CONSULTATIONS) {
      const learner = stmt(
        db,
        'SELECT l.id, l.latvian_level, u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.inmate_number = ?',
      ).get(c.inmateNumber) as { id: number; latvian_level: string; facility_id: number } | undefined;
      const consultant = stmt(db, 'SELECT id FROM user WHERE username = ?').pluck().get(c.consultant) as number | undefined;
      if (!learner || !consultant) continue;
      const heldOn = day(-c.daysAgo);
      insert.run(
        learner.id,
        learner.facility_id,
        c.kind,
        heldOn,
        c.mode,
        consultant,
        c.educationHistory,
        c.workHistory,
        JSON.stringify(c.interests),
        c.strengths,
        c.constraints,
        learner.latvian_level,
        c.goalAfterRelease,
        JSON.stringify(c.recommended),
        c.notes,
        c.nextInDays === null ? null : day(c.nextInDays),
        c.checklist ? JSON.stringify(c.checklist) : null,
        consultant,
        `${heldOn}T10:00:00.000Z`,
      );
      count++;
    }
  }).immediate();
  return { consultations: count };
}
