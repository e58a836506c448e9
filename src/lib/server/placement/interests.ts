/**
 * Occupational interests: the fixed list career consultations record and
 * programmes declare, so placement can match them. Labels are in the i18n
 * catalogues as `interest.<code>`.
 */
export const INTERESTS = [
  'welding',
  'sewing',
  'electrical',
  'cooking',
  'bakery',
  'driving',
  'construction',
  'plumbing',
  'woodwork',
  'forestry',
  'agriculture',
  'car_repair',
  'cleaning',
  'care_work',
  'it',
  'office',
  'state_language',
  'general_education',
] as const;
export type Interest = (typeof INTERESTS)[number];

export function isInterest(value: unknown): value is Interest {
  return typeof value === 'string' && (INTERESTS as readonly string[]).includes(value);
}

/** A stored JSON list of interest codes, keeping only known codes. */
export function parseInterests(json: string | null | undefined): Interest[] {
  try {
    const list = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter(isInterest) : [];
  } catch {
    return [];
  }
}
