import path from 'node:path';
import { z } from 'zod';

const minutes = (fallback: number) =>
  z.coerce.number().positive().max(24 * 60).default(fallback);

/** Environment variables read by the server (documented in the README). */
const PORT_MESSAGE = 'must be a port number from 1 to 65535';

const envSchema = z.object({
  /** Port to serve on. */
  PORT: z.coerce.number(PORT_MESSAGE).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65_535, PORT_MESSAGE).default(4321),
  /** Address to listen on (`0.0.0.0`: every interface). */
  HOST: z.string().min(1).default('localhost'),
  /** Folder for the database and uploads; created when missing. */
  TILTS_DATA_DIR: z.string().min(1).default('db/data'),
  /** Folder of course packages (courses/<id>/course.yaml …), loaded at start. */
  TILTS_COURSES_DIR: z.string().min(1).default('courses'),
  /** Idle minutes before a learner is signed out (kiosk terminals). */
  TILTS_IDLE_MINUTES_LEARNER: minutes(15),
  /** Idle minutes before staff and released persons are signed out. */
  TILTS_IDLE_MINUTES_STAFF: minutes(30),
  /** Hours after which any session ends, active or not. */
  TILTS_SESSION_MAX_HOURS: z.coerce.number().positive().max(24 * 7).default(12),
  /**
   * The public origin (https://…) on which only /verify and the portal answer;
   * also accepted as an Origin for state-changing requests.
   */
  TILTS_PUBLIC_ORIGIN: z.url().optional(),
  /** 'true' forces Secure cookies; 'auto' (default) sets them when the request came over TLS. */
  TILTS_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Sign-in posts allowed per client address per minute (a burst of that many, then evenly spread). */
  TILTS_SIGNIN_PER_MINUTE: z.coerce.number().int().positive().max(100_000).default(20),
  /** Certificate look-ups (/verify/<serial>) allowed per client address per minute (a burst of that many, then evenly spread). */
  TILTS_VERIFY_PER_MINUTE: z.coerce.number().int().positive().max(100_000).default(30),
  /** An enrolment needs a career consultation from the last this many months. */
  TILTS_CONSULTATION_MONTHS: z.coerce.number().int().min(1).max(60).default(6),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  coursesDir: string;
  idleMs: { learner: number; staff: number };
  sessionMaxMs: number;
  publicOrigin: string | null;
  secureCookies: 'auto' | 'true' | 'false';
  signInPerMinute: number;
  verifyPerMinute: number;
  consultationMonths: number;
}

/**
 * Reads and validates the configuration. A bad value stops the server with a
 * message naming the variable, rather than running with a surprising default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // One line, naming each variable with the value it had: the operator sees exactly what to fix.
    const problems = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      return `${name}=${JSON.stringify(env[name] ?? '')} ${i.message}`;
    });
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.TILTS_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'tilts.db'),
    coursesDir: path.resolve(e.TILTS_COURSES_DIR),
    idleMs: {
      learner: e.TILTS_IDLE_MINUTES_LEARNER * 60_000,
      staff: e.TILTS_IDLE_MINUTES_STAFF * 60_000,
    },
    sessionMaxMs: e.TILTS_SESSION_MAX_HOURS * 3_600_000,
    publicOrigin: e.TILTS_PUBLIC_ORIGIN ? new URL(e.TILTS_PUBLIC_ORIGIN).origin : null,
    secureCookies: e.TILTS_SECURE_COOKIES,
    signInPerMinute: e.TILTS_SIGNIN_PER_MINUTE,
    verifyPerMinute: e.TILTS_VERIFY_PER_MINUTE,
    consultationMonths: e.TILTS_CONSULTATION_MONTHS,
  };
}
