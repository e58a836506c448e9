import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { normaliseHostname } from './http/host.ts';

/** One address (`10.0.0.5`, `::1`) or network (`10.0.0.0/24`, `fd00::/8`). */
const isAddressOrCidr = (value: string): boolean => {
  const [address, bits, extra] = value.split('/');
  const family = net.isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/** A comma-separated list (spaces allowed), each item checked by `valid`. */
const list = (valid: (item: string) => boolean, message: string) =>
  z
    .string()
    .transform((raw) => raw.split(',').map((item) => item.trim()).filter(Boolean))
    .refine((items) => items.every(valid), message)
    .optional();

const minutes = (fallback: number) =>
  z.coerce.number().positive().max(24 * 60).default(fallback);

/** Environment variables read by the server (documented in the README). */
const PORT_MESSAGE = 'must be a port number from 1 to 65535';

const envSchema = z.object({
  /** Port to serve on. */
  PORT: z.coerce.number(PORT_MESSAGE).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65_535, PORT_MESSAGE).default(4321),
  /** Address to listen on (`0.0.0.0`: every interface); a specific one is also an allowed host. */
  HOST: z.string().min(1).default('localhost'),
  /** Folder for the database and uploads; created when missing. */
  TILTS_DATA_DIR: z.string().min(1).default('db/data'),
  /** The audit chain's key file; default keys/audit.key in the data folder (created on a new installation only). */
  TILTS_AUDIT_KEY_FILE: z.string().min(1).optional(),
  /** Folder where the server writes a signed audit checkpoint once a day; off when unset. */
  TILTS_AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
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
  /**
   * Reverse proxies whose X-Forwarded-Proto/-Host/-For are believed
   * (addresses or CIDR networks); from anyone else those headers are ignored.
   */
  TILTS_TRUSTED_PROXIES: list(isAddressOrCidr, 'a comma-separated list of IP addresses or CIDR networks (e.g. 127.0.0.1,10.20.0.0/24)'),
  /** Host names the intranet answers on (besides the public origin's); any other Host gets 421. */
  TILTS_ALLOWED_HOSTS: list((item) => normaliseHostname(item) !== null, 'a comma-separated list of host names or addresses, without scheme or port (e.g. tilts.ievp.lan,10.20.0.5)'),
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
  /** Absolute path of the audit key file when TILTS_AUDIT_KEY_FILE is set; null: keys/audit.key beside the database. */
  auditKeyFile: string | null;
  /** Absolute folder for the daily audit checkpoint, or null (off). */
  auditCheckpointDir: string | null;
  coursesDir: string;
  idleMs: { learner: number; staff: number };
  sessionMaxMs: number;
  publicOrigin: string | null;
  /** TILTS_TRUSTED_PROXIES: addresses and CIDR networks, as written. */
  trustedProxies: readonly string[];
  /** Lower-case host names (no port, no trailing dot) the intranet answers on. */
  allowedHosts: readonly string[];
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
    auditKeyFile: e.TILTS_AUDIT_KEY_FILE ? path.resolve(e.TILTS_AUDIT_KEY_FILE) : null,
    auditCheckpointDir: e.TILTS_AUDIT_CHECKPOINT_DIR ? path.resolve(e.TILTS_AUDIT_CHECKPOINT_DIR) : null,
    coursesDir: path.resolve(e.TILTS_COURSES_DIR),
    idleMs: {
      learner: e.TILTS_IDLE_MINUTES_LEARNER * 60_000,
      staff: e.TILTS_IDLE_MINUTES_STAFF * 60_000,
    },
    sessionMaxMs: e.TILTS_SESSION_MAX_HOURS * 3_600_000,
    publicOrigin: e.TILTS_PUBLIC_ORIGIN ? new URL(e.TILTS_PUBLIC_ORIGIN).origin : null,
    trustedProxies: e.TILTS_TRUSTED_PROXIES ?? [],
    allowedHosts: allowedHosts(e.TILTS_ALLOWED_HOSTS, e.HOST),
    secureCookies: e.TILTS_SECURE_COOKIES,
    signInPerMinute: e.TILTS_SIGNIN_PER_MINUTE,
    verifyPerMinute: e.TILTS_VERIFY_PER_MINUTE,
    consultationMonths: e.TILTS_CONSULTATION_MONTHS,
  };
}

/**
 * The intranet's host names: TILTS_ALLOWED_HOSTS when set; otherwise the
 * loopback names, the machine's name and the address it listens on (HOST),
 * so that `npm start` and a server on one named address work unconfigured.
 */
function allowedHosts(configured: string[] | undefined, listenHost: string | undefined): string[] {
  const names = configured ?? ['localhost', '127.0.0.1', '[::1]', os.hostname(), ...(listenHost && !['0.0.0.0', '::', '[::]'].includes(listenHost) ? [listenHost] : [])];
  return [...new Set(names.map((name) => normaliseHostname(name)).filter((name): name is string => name !== null))];
}
