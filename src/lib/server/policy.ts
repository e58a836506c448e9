import type { Role } from '../shared/domain.ts';

/**
 * The one authorization policy. Pages, actions, API endpoints and domain
 * functions ask `can(actor, capability, scope)`; nothing checks role names.
 *
 * A grant is 'any' (everywhere) or 'facility' (only in the actor's home
 * facility and the facilities granted to them), like Kolibri's roles on a
 * collection and Moodle's capabilities in a context.
 */
type Grant = 'any' | 'facility';

const CAPABILITIES = {
  /** Learner area: my learning, my progress. */
  'learn:access': { learner: 'any' },
  /** Teacher area. */
  'teach:access': { teacher: 'any' },
  /** Education staff area: consultations, placement, learners of a prison. */
  'staff:access': { education_staff: 'any' },
  /** Terminal room supervision. */
  'supervise:access': { supervisor: 'any' },
  /** Administration area. */
  'admin:access': { admin: 'any' },
  /** The released person's portal. */
  'portal:access': { released: 'any' },
  /** The employment-agency consultant's area: learners of their prison and their consultations. */
  'consult:access': { consultant: 'any' },
  /** Change one's own staff password. */
  'account:password': { admin: 'any', education_staff: 'any', teacher: 'any', supervisor: 'any', consultant: 'any' },
  /** Create, edit, deactivate any user; reset credentials. */
  'users:manage': { admin: 'any' },
  /** Create and edit facilities. */
  'facilities:manage': { admin: 'any' },
  /** Keep the register of education providers (the issuers of documents): add, edit, deactivate. */
  'providers:manage': { admin: 'any' },
  /** Browse the audit log. */
  'audit:view': { admin: 'any' },
  /** See learners' records. */
  'learners:view': { admin: 'any', education_staff: 'facility', teacher: 'facility', supervisor: 'facility', consultant: 'facility' },
  /** Change learners' records. */
  'learners:edit': { admin: 'any', education_staff: 'facility' },
  /** Issue or reset a learner's PIN (ends their sessions). */
  'learners:resetPin': { admin: 'any', education_staff: 'facility' },
  /** Study one's own enrolled courses: lessons, quizzes, progress. */
  'learning:study': { learner: 'any' },
  /** See the gradebook of the courses one teaches, for the learners of one's facilities. */
  'gradebook:view': { teacher: 'facility' },
  /** Allow a learner of one's facilities one more try on a quiz of a course one teaches (issue 19). */
  'quiz:extraTry': { teacher: 'facility' },
  /** Create courses and edit those one teaches in the browser; publish, roll back, export, import. */
  'courses:author': { teacher: 'any' },
  /** Record and read career consultations (and the one before release). */
  'consultations:record': { admin: 'any', education_staff: 'facility', consultant: 'facility' },
  /** Create and edit programmes (courses offered at a facility with dates, seats, timetable). */
  'programmes:manage': { admin: 'any', education_staff: 'facility' },
  /** Place learners: enrol, waiting list, withdraw; record transfers and releases. */
  'placement:manage': { admin: 'any', education_staff: 'facility' },
  /** Indicators and reports of education (counts only, small cells suppressed): education staff for their prisons, admin for all. */
  'indicators:view': { admin: 'any', education_staff: 'facility' },
  /** Import the prison register's roster (CSV). */
  'roster:import': { admin: 'any', education_staff: 'facility' },
  /** Issue, revoke and print a learner's certificates (staff only; learners see theirs on screen). */
  'certificates:issue': { admin: 'any', education_staff: 'facility' },
  /** Issue (or re-issue, for a lost password) a released learner's portal activation code, in their last prison. */
  'portal:activate': { admin: 'any', education_staff: 'facility' },
  /** Approve devices as terminals into rooms, create rooms; rename, move, disable, lock and revoke terminals. */
  'terminals:manage': { admin: 'any', supervisor: 'facility' },
  /** Set a facility's learning hours (weekly slots) and holidays: when learners may sign in. */
  'timetable:manage': { admin: 'any', education_staff: 'facility', supervisor: 'facility' },
} as const satisfies Record<string, Partial<Record<Role, Grant>>>;

export type Capability = keyof typeof CAPABILITIES;
export const ALL_CAPABILITIES = Object.keys(CAPABILITIES) as Capability[];

/** The parts of a signed-in user the policy looks at. */
export interface Actor {
  id: number;
  role: Role;
  /** Home facility and granted facilities. */
  facilityIds: readonly number[];
}

export interface Scope {
  facilityId?: number | null;
}

/**
 * May `actor` do `capability`? Without a scope, a facility grant answers
 * "somewhere" (enough to open an area); with a facility scope it answers for
 * that facility only.
 */
export function can(actor: Actor | null, capability: Capability, scope?: Scope): boolean {
  if (!actor) return false;
  const grants: Partial<Record<Role, Grant>> = CAPABILITIES[capability];
  const grant = grants[actor.role];
  if (!grant) return false;
  if (grant === 'any' || scope?.facilityId === undefined) return true;
  return scope.facilityId !== null && actor.facilityIds.includes(scope.facilityId);
}

/** The facilities where `actor` holds `capability`: 'all' or a list. */
export function facilitiesFor(actor: Actor, capability: Capability): 'all' | number[] {
  const grants: Partial<Record<Role, Grant>> = CAPABILITIES[capability];
  const grant = grants[actor.role];
  if (!grant) return [];
  return grant === 'any' ? 'all' : [...actor.facilityIds];
}

/** What a route needs: nothing, a signed-in user, or a capability. */
export type RouteAccess = 'public' | 'signedIn' | Capability;

/**
 * Every path prefix and what it needs, most specific first. A path that no
 * rule names needs a signed-in user (deny by default for strangers).
 */
export const ROUTE_RULES: ReadonlyArray<{ prefix: string; access: RouteAccess; pattern?: RegExp }> = [
  { prefix: '/login', access: 'public' },
  { prefix: '/about', access: 'public' },
  // Certificate verification for employers: status and what the document states, never custody.
  { prefix: '/verify', access: 'public' },
  { prefix: '/healthz', access: 'public' },
  { prefix: '/lang', access: 'public' },
  // The refusal page itself: a stranger whose form was refused (CSRF) must see why, not the sign-in page.
  { prefix: '/forbidden', access: 'public' },
  // The H5P player's files (open source, no learner data).
  { prefix: '/h5p/player', access: 'public' },
  // One H5P content by a capability URL: the endpoint verifies its signed, expiring grant
  // (the sandboxed player frame sends no cookies, by design: docs/h5p-security.md).
  { prefix: '/h5p/play', access: 'public' },
  // The device's own enrolment page and its status poll: a terminal has no user.
  { prefix: '/terminal', access: 'public' },
  { prefix: '/api/terminal', access: 'public' },
  { prefix: '/logout', access: 'signedIn' },
  { prefix: '/api/session', access: 'signedIn' },
  { prefix: '/account', access: 'account:password' },
  { prefix: '/learn', access: 'learn:access' },
  { prefix: '/api/learn', access: 'learning:study' },
  { prefix: '/teach/author', access: 'courses:author' },
  // The course editor's live preview: the same people as the editor (the domain checks the course is theirs).
  { prefix: '/api/author', access: 'courses:author' },
  { prefix: '/teach', access: 'teach:access' },
  // A learner's consultations: also the employment-agency consultant's (who cannot edit learner records).
  { prefix: '/staff/learners', pattern: /^\/staff\/learners\/\d+\/consultations(\/.*)?$/, access: 'consultations:record' },
  // A released learner's portal activation code (printable sheet).
  { prefix: '/staff/learners', pattern: /^\/staff\/learners\/\d+\/portal$/, access: 'portal:activate' },
  { prefix: '/staff/learners', access: 'learners:edit' },
  { prefix: '/staff/roster', access: 'roster:import' },
  { prefix: '/staff/certificates', access: 'certificates:issue' },
  { prefix: '/staff/programmes', access: 'programmes:manage' },
  { prefix: '/staff/reports', access: 'programmes:manage' },
  { prefix: '/staff/indicators', access: 'indicators:view' },
  { prefix: '/staff', access: 'staff:access' },
  { prefix: '/supervise/terminals', access: 'terminals:manage' },
  { prefix: '/supervise/timetable', access: 'timetable:manage' },
  { prefix: '/supervise', access: 'supervise:access' },
  // The room view's poll: the same people as the page (the domain scopes each terminal by facility).
  { prefix: '/api/supervise', access: 'supervise:access' },
  { prefix: '/admin/users', access: 'users:manage' },
  { prefix: '/admin/facilities', access: 'facilities:manage' },
  { prefix: '/admin/providers', access: 'providers:manage' },
  { prefix: '/admin/audit', access: 'audit:view' },
  { prefix: '/admin', access: 'admin:access' },
  // The released person activates the account and signs in from any network (docs/public-origin.md).
  { prefix: '/portal/activate', access: 'public' },
  { prefix: '/portal/login', access: 'public' },
  { prefix: '/portal', access: 'portal:access' },
  { prefix: '/consult', access: 'consult:access' },
];

export function routeAccess(pathname: string): RouteAccess {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const rule of ROUTE_RULES) {
    if (rule.pattern ? rule.pattern.test(path) : path === rule.prefix || path.startsWith(rule.prefix + '/')) return rule.access;
  }
  return 'signedIn';
}

export type RouteDecision = 'allow' | 'signIn' | 'forbidden';

/** The decision the middleware applies before any page or endpoint runs. */
export function decideRoute(actor: Actor | null, pathname: string): RouteDecision {
  const access = routeAccess(pathname);
  if (access === 'public') return 'allow';
  if (!actor) return 'signIn';
  if (access === 'signedIn') return 'allow';
  return can(actor, access) ? 'allow' : 'forbidden';
}
