import type { Role } from '../src/lib/shared/domain.ts';
import { provisionTerminal } from '../tests/helpers/terminal.ts';

/** Terminals in the demo supervisor's prison (Olaine) for the room view: a large prison's computer rooms. */
export const ROOM_VIEW_TERMINALS = 300;

/**
 * What `npm run bench` measures. To add a scenario, append one entry here;
 * to hold it against another one, add a comparison below.
 */
export interface Scenario {
  /** Short id, used in the table and in the JSON output. */
  name: string;
  /** One line saying what the scenario stands for. */
  description: string;
  /** The path requested (GET), e.g. `/learn`. */
  path: string;
  /**
   * Sign in first as the first demo account of this role and send its
   * session cookie with every request; `null` for an anonymous visitor.
   */
  signInAs: Role | null;
  /**
   * When the path depends on the data (an item id), find it instead: GET
   * `on` with the scenario's session and take the first capture of `link`.
   */
  findPath?: { on: string; link: RegExp };
  /** Data the scenario needs, put into the bench's own database before anyone signs in. */
  setup?: (databaseFile: string) => void;
}

/** A ratio of two scenarios' requests/s at the same connection level. */
export interface Comparison {
  /** Short id, used in the table and in the JSON output. */
  name: string;
  /** The scenario whose requests/s is divided… */
  numerator: string;
  /** …by this one's. */
  denominator: string;
  /** The ratio wanted (at every connection level). */
  goal: number;
  /** Counts towards the headline `ratio` (the minimum over every headline comparison and level). */
  headline: boolean;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'learner-home',
    description: 'GET /learn as the signed-in demo learner (session lookup, learner query, page render)',
    path: '/learn',
    signInAs: 'learner',
  },
  {
    name: 'lesson-page',
    description: "GET the demo learner's next lesson (the \"Continue\" link): enrolment check, progress, cached lesson HTML",
    path: '/learn',
    signInAs: 'learner',
    findPath: { on: '/learn', link: /href="(\/learn\/courses\/[\w-]+\/\d+)"/ },
  },
  {
    name: 'room-view',
    description: `GET /api/supervise/room as the demo supervisor with ${ROOM_VIEW_TERMINALS} terminals in the prison (the live room view's poll: one query, JSON)`,
    path: '/api/supervise/room',
    signInAs: 'supervisor',
    // Every terminal of one demo learner's prison (Olaine), like the supervisor's.
    setup: (databaseFile) => {
      for (let i = 0; i < ROOM_VIEW_TERMINALS; i++) provisionTerminal(databaseFile, '204101');
    },
  },
  {
    name: 'static-page',
    description: 'GET /about, anonymous: the plain page of the same app (no session, no database)',
    path: '/about',
    signInAs: null,
  },
];

/** The headline `ratio` is the minimum over the headline comparisons: the learner's two pages. */
export const COMPARISONS: Comparison[] = [
  { name: 'learner-home/static-page', numerator: 'learner-home', denominator: 'static-page', goal: 0.5, headline: true },
  { name: 'lesson-page/static-page', numerator: 'lesson-page', denominator: 'static-page', goal: 0.5, headline: true },
];

/** Concurrent connections per run; every scenario runs at each level. */
export const DEFAULT_CONNECTIONS = [50, 200];
/** Seconds per measured run. */
export const DEFAULT_DURATION = 10;
/** Seconds of unrecorded load per scenario before measuring (JIT, caches). */
export const DEFAULT_WARMUP = 2;
