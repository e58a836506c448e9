import { stmt, type Db } from '../db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';

/**
 * The demo register of education providers: a vocational school at Olaine,
 * an adult-education centre and an adult secondary school in Rīga (the
 * schools that teach in the demo prisons under cooperation agreements), and
 * one provider no longer active. Names, numbers and addresses look real but
 * are made up; e-mail addresses use the reserved .example domain.
 */
interface DemoProvider {
  nameLv: string;
  nameEn: string;
  /** Ten digits, like the Register of Educational Institutions' numbers. */
  registrationNumber: string;
  address: string;
  phone: string;
  email: string;
  active: boolean;
}

export const DEMO_PROVIDERS: readonly DemoProvider[] = [
  {
    nameLv: 'Profesionālās izglītības centrs “Amatu skola”',
    nameEn: 'Vocational Education Centre “Amatu skola”',
    registrationNumber: '3330803101',
    address: 'Rūpniecības iela 12, Olaine, LV-2114',
    phone: '+371 67 962 100',
    email: 'uznemsana@amatuskola.example',
    active: true,
  },
  {
    nameLv: 'Pieaugušo izglītības centrs “Valoda”',
    nameEn: 'Adult Education Centre “Valoda”',
    registrationNumber: '4360802345',
    address: 'Brīvības iela 85, Rīga, LV-1001',
    phone: '+371 67 281 400',
    email: 'kursi@valoda.example',
    active: true,
  },
  {
    nameLv: 'Rīgas pieaugušo izglītības vidusskola',
    nameEn: 'Riga Adult Secondary School',
    registrationNumber: '3113900712',
    address: 'Ģertrūdes iela 58, Rīga, LV-1011',
    phone: '+371 67 472 500',
    email: 'skola@rpiv.example',
    active: true,
  },
  {
    nameLv: 'Jelgavas Amatu vidusskola',
    nameEn: 'Jelgava Crafts Secondary School',
    registrationNumber: '4532802118',
    address: 'Institūta iela 4, Jelgava, LV-3002',
    phone: '+371 63 020 300',
    email: 'info@jamv.example',
    // Its cooperation agreement ended: kept in the register, no longer offered.
    active: false,
  },
];

/** Adds the demo providers that are not in the register yet; returns the id of each by Latvian name. */
export function seedDemoProviders(db: Db, today = new Date()): Map<string, number> {
  const at = today.toISOString();
  return db.transaction(() => {
    const ids = new Map<string, number>();
    for (const p of DEMO_PROVIDERS) {
      const existing = stmt(db, 'SELECT id FROM education_provider WHERE lower(name_lv) = lower(?)').pluck().get(p.nameLv) as number | undefined;
      if (existing !== undefined) {
        ids.set(p.nameLv, existing);
        continue;
      }
      const id = Number(
        stmt(
          db,
          `INSERT INTO education_provider (name_lv, name_en, registration_number, address, phone, email, active, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(p.nameLv, p.nameEn, p.registrationNumber, p.address, p.phone, p.email, p.active ? 1 : 0, at, at).lastInsertRowid,
      );
      appendAudit(db, { actor: SYSTEM_ACTOR, action: 'provider.create', targetType: 'provider', targetId: id, details: { nameLv: p.nameLv, demo: true } }, today);
      ids.set(p.nameLv, id);
    }
    return ids;
  }).immediate();
}
