import { createHash, randomBytes } from 'node:crypto';
import type { Locale } from '../../shared/domain.ts';

/**
 * What a certificate states, as signed. The type has no field for a facility,
 * a prison or an inmate number, so no caller can put custody on a document.
 */

/** module: moduļa apliecība; professional_development: apliecība par profesionālās pilnveides izglītību; statement: sekmju izziņa. */
export const CERTIFICATE_KINDS = ['module', 'professional_development', 'statement'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/** The course or programme title in the languages it has (at least one). */
export type CertificateTitle = Partial<Record<Locale, string>>;

/** The signed content of a certificate: exactly what the PDF states. */
export interface CertificateContent {
  /** Format version of this object. */
  v: 1;
  serial: string;
  kind: CertificateKind;
  holderName: string;
  title: CertificateTitle;
  hours: number;
  /** e.g. 'LKI 2'; null when the document states no level. */
  level: string | null;
  /** The education provider that issues the document. */
  issuer: string;
  /** YYYY-MM-DD. */
  issuedOn: string;
  /** YYYY-MM-DD: completion, or for a statement the last day of study. */
  completedOn: string;
  /**
   * The courses a programme's document reports on (professional development:
   * its modules; statement: what was done of the programme). Absent on a
   * module certificate.
   */
  items?: CertificateItem[];
}

/** One course on a programme's document. */
export interface CertificateItem {
  title: CertificateTitle;
  hours: number;
  /** YYYY-MM-DD when completed; null: begun, not completed. */
  completedOn: string | null;
  /** How much of an unfinished course was done (lessons and quizzes, %). */
  progressPercent?: number;
  /** A statement's course taken outside any programme (listed under a heading of its own). */
  outside?: boolean;
}

/** JSON with object keys sorted at every depth and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 of the text (UTF-8), lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** 32 characters: digits and capitals without 0/O, 1/I (and so no look-alikes). 5 bits each, so bytes map without bias. */
export const SERIAL_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const SERIAL_PATTERN = /^TLT-\d{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

/** A new random serial for `year`: TLT-2026-XXXX-XXXX (40 random bits). */
export function generateSerial(year: number): string {
  const chars = [...randomBytes(8)].map((b) => SERIAL_ALPHABET[b & 31]).join('');
  return `TLT-${year}-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** A serial as a person may type it (spaces, lower case), or null when it cannot be one. */
export function normalizeSerial(input: string): string | null {
  const serial = input.trim().toUpperCase();
  return SERIAL_PATTERN.test(serial) ? serial : null;
}

/** The title in the first language it has, preferring `locale`, then Latvian, English, Russian. */
export function titleIn(title: CertificateTitle, locale: Locale = 'lv'): string {
  return title[locale] ?? title.lv ?? title.en ?? title.ru ?? '';
}
