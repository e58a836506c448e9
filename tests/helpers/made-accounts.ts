import path from 'node:path';
import Database from 'better-sqlite3';
import type { Credentials } from './accounts.ts';
import { hashSecret } from '../../src/lib/server/password.ts';
import type { Locale, Role } from '../../src/lib/shared/domain.ts';

/**
 * Accounts a browser test makes for itself in the shared test server's
 * database (Olaine; an admin has no prison), reading the language it needs
 * and carrying long names, so no other story's account changes language.
 */
const PASSWORD = 'made-account-password-2026';
const PIN = '8642';

export async function makeAccount(role: Exclude<Role, 'released' | 'consultant'>, locale: Locale): Promise<Credentials> {
  const secret = await hashSecret(role === 'learner' ? PIN : PASSWORD);
  const db = new Database(path.join(process.env.TILTS_E2E_DATA_DIR!, 'tilts.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const ola = db.prepare("SELECT id FROM facility WHERE code = 'OLA'").pluck().get() as number;
    const at = new Date().toISOString();
    const tag = `${role.replace('_', '')}-${locale}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    // Long names, as real ones can be: the user menu's button must not spill them.
    const name = locale === 'ru' ? 'Александра-Кристина Константинопольская' : 'Kristīne-Aleksandra Ziemeļvalstīte';
    const userId = Number(
      db.prepare('INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(role, role === 'learner' ? null : tag, name, role === 'admin' ? null : ola, secret, locale, at, at).lastInsertRowid,
    );
    if (role !== 'learner') return { kind: 'staff', username: tag, password: PASSWORD };
    const inmateNumber = `8${String(userId).padStart(6, '0')}`;
    const [given, surname] = name.split(' ') as [string, string];
    db.prepare(`INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, 1990, 'basic', 'B1', 'in_custody', ?, ?)`).run(userId, inmateNumber, surname, given, at, at);
    return { kind: 'learner', inmateNumber, pin: PIN };
  } finally {
    db.close();
  }
}

