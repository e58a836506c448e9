/** Vocabulary shared by the server, the pages and the tests. Pure code. */

/** consultant: an employment-agency (NVA) career consultant, who records consultations at one prison. */
export const ROLES = ['admin', 'education_staff', 'teacher', 'supervisor', 'learner', 'released', 'consultant'] as const;
/** Who a user is on the platform; permissions come from capabilities, never from role names in pages. */
export type Role = (typeof ROLES)[number];

/** Staff work on the staff network and sign in with a username and password. */
export const STAFF_ROLES = ['admin', 'education_staff', 'teacher', 'supervisor', 'consultant'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];
export function isStaffRole(role: Role): role is StaffRole {
  return (STAFF_ROLES as readonly Role[]).includes(role);
}

/** Highest completed education, as the prison register records it. */
export const EDUCATION_LEVELS = ['none', 'primary', 'basic', 'secondary', 'vocational', 'higher'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** State-language (Latvian) level, CEFR scale of Cabinet Regulation No. 157 (2022). */
export const LATVIAN_LEVELS = ['none', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;
export type LatvianLevel = (typeof LATVIAN_LEVELS)[number];

export const LEARNER_STATUSES = ['in_custody', 'released', 'transferred'] as const;
export type LearnerStatus = (typeof LEARNER_STATUSES)[number];

export const LOCALES = ['lv', 'en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'lv';
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Where each role lands after signing in. */
export const HOME_PATH: Record<Role, string> = {
  admin: '/admin',
  education_staff: '/staff',
  teacher: '/teach',
  supervisor: '/supervise',
  learner: '/learn',
  released: '/portal',
  consultant: '/consult',
};
