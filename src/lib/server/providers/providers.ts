import { z } from 'zod';
import { appendAudit } from '../audit.ts';
import { stmt, type Db } from '../db.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { checkCustody, type CustodyRefusal } from '../certificates/custody.ts';

/**
 * The register of education providers: the schools and centres that issue
 * learners' documents under a cooperation agreement (DOMAIN.md, "Schools";
 * "Certificates without stigma"). Admins keep it; programmes and
 * certificates name a provider from it, never a typed issuer.
 */

export interface Provider {
  id: number;
  /** The official name, as in the Register of Educational Institutions: printed on documents. */
  nameLv: string;
  nameEn: string;
  /** Ten digits; null: still to be completed (carried over from a programme's free-text provider). */
  registrationNumber: string | null;
  address: string;
  phone: string;
  email: string;
  active: boolean;
  /** Programmes and certificates that name it (it can then only be deactivated). */
  uses: number;
}

const text = (max: number) => z.string().trim().max(max, { error: 'validation.tooLong' });
const required = (max: number) => text(max).min(1, { error: 'validation.required' });

/** The provider form: every field as the register keeps it. */
export const providerInputSchema = z.object({
  /** Official Latvian name (printed on documents). */
  nameLv: required(200),
  /** English name (shown to English-speaking staff and readers). */
  nameEn: required(200),
  /** Registration number in the Register of Educational Institutions: ten digits; spaces typed in are ignored. */
  registrationNumber: z
    .string({ error: 'validation.required' })
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{10}$/, { error: 'provider.registrationNumberFormat' })),
  /** Legal address. */
  address: required(300),
  /** Telephone, e.g. +371 67 000 000; optional. */
  phone: text(40)
    .refine((v) => v === '' || /^\+?[0-9][0-9 ()-]{5,38}$/.test(v), { error: 'provider.phoneFormat' })
    .default(''),
  /** E-mail address; optional. */
  email: text(200)
    .refine((v) => v === '' || z.email().safeParse(v).success, { error: 'provider.emailFormat' })
    .default(''),
  /** Offered for new programmes and documents. */
  active: z.boolean().default(true),
});
export type ProviderInput = z.output<typeof providerInputSchema>;

interface Row {
  id: number;
  name_lv: string;
  name_en: string;
  registration_number: string | null;
  address: string;
  phone: string;
  email: string;
  active: number;
  uses: number;
}

const SELECT = `SELECT p.id, p.name_lv, p.name_en, p.registration_number, p.address, p.phone, p.email, p.active,
  (SELECT count(*) FROM programme g WHERE g.provider_id = p.id) + (SELECT count(*) FROM certificate c WHERE c.provider_id = p.id) AS uses
  FROM education_provider p`;

const toProvider = (r: Row): Provider => ({
  id: r.id,
  nameLv: r.name_lv,
  nameEn: r.name_en,
  registrationNumber: r.registration_number,
  address: r.address,
  phone: r.phone,
  email: r.email,
  active: r.active === 1,
  uses: r.uses,
});

/** Every provider, active first, by Latvian name. */
export function listProviders(db: Db): Provider[] {
  return (stmt(db, `${SELECT} ORDER BY p.active DESC, p.name_lv`).all() as Row[]).map(toProvider);
}

/** The providers that may be chosen for a programme or a document (plus `keepId`, a current choice that was since deactivated). */
export function listActiveProviders(db: Db, keepId: number | null = null): Provider[] {
  return listProviders(db).filter((p) => p.active || p.id === keepId);
}

export function getProvider(db: Db, id: number): Provider | null {
  const row = stmt(db, `${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
  return row ? toProvider(row) : null;
}

/** The name a provider has in `locale` (documents print the Latvian, official one). */
export const providerName = (p: Pick<Provider, 'nameLv' | 'nameEn'>, locale: string): string => (locale === 'lv' ? p.nameLv : p.nameEn);

export type ProviderError = 'auth.forbidden' | 'provider.notFound' | 'provider.nameTaken' | 'provider.registrationNumberTaken' | 'provider.inUse';
export type ProviderResult = { ok: true; provider: Provider } | { ok: false; code: ProviderError } | CustodyRefusal;

function checkProvider(db: Db, input: ProviderInput, id: number | null): Exclude<ProviderResult, { ok: true }> | null {
  // A provider's name is printed on documents: it must never reveal custody.
  const custody = checkCustody(db, { nameLv: input.nameLv, nameEn: input.nameEn });
  if (custody) return custody;
  // SQLite's lower() folds ASCII only: compare Latvian names in Latvian case rules.
  const key = (name: string) => name.normalize('NFC').toLocaleLowerCase('lv');
  const names = stmt(db, 'SELECT id, name_lv FROM education_provider').all() as Array<{ id: number; name_lv: string }>;
  if (names.some((n) => n.id !== id && key(n.name_lv) === key(input.nameLv))) return { ok: false, code: 'provider.nameTaken' };
  const sameNumber = stmt(db, 'SELECT id FROM education_provider WHERE registration_number = ?').pluck().get(input.registrationNumber) as number | undefined;
  if (sameNumber !== undefined && sameNumber !== id) return { ok: false, code: 'provider.registrationNumberTaken' };
  return null;
}

const columns = (input: ProviderInput) => ({
  nameLv: input.nameLv,
  nameEn: input.nameEn,
  registrationNumber: input.registrationNumber,
  address: input.address,
  phone: input.phone,
  email: input.email,
  active: input.active ? 1 : 0,
});

/** Adds a provider to the register. Admins only; audited. */
export function createProvider(db: Db, actor: SessionUser, input: ProviderInput, now = new Date()): ProviderResult {
  if (!can(actor, 'providers:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): ProviderResult => {
      const problem = checkProvider(db, input, null);
      if (problem) return problem;
      const at = now.toISOString();
      const id = Number(
        stmt(
          db,
          `INSERT INTO education_provider (name_lv, name_en, registration_number, address, phone, email, active, created_at, updated_at)
           VALUES (@nameLv, @nameEn, @registrationNumber, @address, @phone, @email, @active, @at, @at)`,
        ).run({ ...columns(input), at }).lastInsertRowid,
      );
      appendAudit(db, { actor: auditActor(actor), action: 'provider.create', targetType: 'provider', targetId: id, details: input }, now);
      return { ok: true, provider: getProvider(db, id)! };
    })
    .immediate();
}

/** Changes a provider (also deactivates or reactivates it). Admins only; audited with what changed. */
export function updateProvider(db: Db, actor: SessionUser, id: number, input: ProviderInput, now = new Date()): ProviderResult {
  if (!can(actor, 'providers:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): ProviderResult => {
      const before = getProvider(db, id);
      if (!before) return { ok: false, code: 'provider.notFound' };
      const problem = checkProvider(db, input, id);
      if (problem) return problem;
      stmt(
        db,
        `UPDATE education_provider SET name_lv = @nameLv, name_en = @nameEn, registration_number = @registrationNumber, address = @address,
           phone = @phone, email = @email, active = @active, updated_at = @at WHERE id = @id`,
      ).run({ ...columns(input), at: now.toISOString(), id });
      const after = getProvider(db, id)!;
      const changed = Object.fromEntries(
        (Object.keys(input) as Array<keyof ProviderInput>).filter((k) => before[k] !== after[k]).map((k) => [k, { from: before[k], to: after[k] }]),
      );
      appendAudit(db, { actor: auditActor(actor), action: 'provider.update', targetType: 'provider', targetId: id, details: { changed } }, now);
      return { ok: true, provider: after };
    })
    .immediate();
}

/**
 * Removes a provider entered by mistake. One that a programme or a
 * certificate names stays in the register ('provider.inUse': deactivate it
 * instead), so every document keeps its issuer. Admins only; audited.
 */
export function deleteProvider(db: Db, actor: SessionUser, id: number, now = new Date()): { ok: true } | { ok: false; code: ProviderError } {
  if (!can(actor, 'providers:manage')) return { ok: false, code: 'auth.forbidden' };
  return db
    .transaction((): { ok: true } | { ok: false; code: ProviderError } => {
      const provider = getProvider(db, id);
      if (!provider) return { ok: false, code: 'provider.notFound' };
      if (provider.uses > 0) return { ok: false, code: 'provider.inUse' };
      stmt(db, 'DELETE FROM education_provider WHERE id = ?').run(id);
      appendAudit(db, { actor: auditActor(actor), action: 'provider.delete', targetType: 'provider', targetId: id, details: { nameLv: provider.nameLv } }, now);
      return { ok: true };
    })
    .immediate();
}

/** The provider form as posted: the active checkbox sends '1' when ticked. */
export const providerFormSchema = providerInputSchema.extend({
  active: z
    .literal('1')
    .optional()
    .transform((v) => v === '1'),
});
