import { createHash, randomInt } from 'node:crypto';

/**
 * Activation codes as printed on the release sheet: 12 characters in three
 * groups (`K7QM-3XPA-9TWD`) from an alphabet without look-alikes (no 0/O,
 * 1/I/L, 5/S, 8/B, 2/Z, U/V), so a person reading it off paper cannot mistype
 * one for another. 23 characters, 12 places: about 2 × 10^16 codes.
 */
export const CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
const GROUPS = 3;
const GROUP_LENGTH = 4;
export const CODE_LENGTH = GROUPS * GROUP_LENGTH;

/** A new random code, grouped for reading: `K7QM-3XPA-9TWD`. */
export function generateActivationCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += CODE_ALPHABET[randomInt(0, CODE_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * The code as typed, reduced to its 12 characters: upper case, without
 * spaces or dashes; the look-alikes a reader may type are mapped to the
 * character the alphabet keeps (O → 0 is not in the alphabet, so it stays
 * wrong). Null when it cannot be a code at all.
 */
export function normalizeActivationCode(input: string): string | null {
  const compact = input.normalize('NFKC').toUpperCase().replace(/[\s\-–—_.]/g, '');
  if (compact.length !== CODE_LENGTH) return null;
  for (const c of compact) if (!CODE_ALPHABET.includes(c)) return null;
  return compact;
}

/** The stored form of a (normalized) code: SHA-256, lowercase hex. */
export function hashActivationCode(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/** The first group of a normalized code: the throttling key of attempts at that code. */
export function codePrefix(normalized: string): string {
  return normalized.slice(0, GROUP_LENGTH);
}
