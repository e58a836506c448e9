/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The database handle: pages pass it to domain functions, never query it themselves. */
    db: import('./lib/server/db.ts').Db;
    config: import('./lib/server/config.ts').Config;
    user: import('./lib/server/session.ts').SessionUser | null;
    session: import('./lib/server/session.ts').Session | null;
    /** Why the previous session ended, when it just did (shown on the sign-in page). */
    sessionEnded: import('./lib/server/session.ts').SessionEndReason | null;
    /** The terminal id this device's credential cookie names (HMAC-checked only; null: none). */
    terminalId: number | null;
    locale: import('./lib/shared/domain.ts').Locale;
    clientIp: string | null;
    /** The CSRF token every POST form repeats (components/Csrf.astro). */
    csrfToken: string;
    /** Active-time credits from heartbeats (written in batches). */
    timeOnTask: import('./lib/server/learning/time-on-task.ts').TimeOnTask;
  }
}
