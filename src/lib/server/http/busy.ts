import { isBusyError } from '../db.ts';

/**
 * What a request does when another process (the nightly roster import, a
 * backup, a migration) holds the database's write lock longer than the
 * server's short busy timeout (SERVER_BUSY_TIMEOUT_MS in db.ts):
 *
 * - The request is tried again after an asynchronous pause, so the event loop
 *   keeps serving everyone else (/healthz, pages that only read) meanwhile,
 *   and it succeeds once the lock is free. A write is safe to repeat: the
 *   transaction that met the busy lock failed at BEGIN IMMEDIATE, before
 *   writing anything (one transaction per action, ARCHITECTURE.md).
 * - A large upload is not repeated (its body is not kept twice in memory): it
 *   answers 503 with Retry-After at once.
 * - Anything still busy after the retries answers the same 503, never a 500.
 */

/** Pauses between attempts of a request, in milliseconds: about 6 s in all. */
export const BUSY_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1_500, 3_000] as const;
/** Seconds the client is told to wait (Retry-After). */
export const BUSY_RETRY_AFTER_S = 5;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` (the rest of the request) and, while it fails with
 * SQLITE_BUSY, retries it when `retry` allows; returns the response, or null
 * when the database stayed busy (the caller answers busyResponse()). Other
 * errors are rethrown untouched.
 */
export async function withBusyRetry(attempt: () => Promise<Response>, retry: boolean, delays: readonly number[] = BUSY_RETRY_DELAYS_MS): Promise<Response | null> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      if (!retry || i >= delays.length) return null;
      await pause(delays[i]!);
    }
  }
}

/** The 503 "busy, try again" answer: JSON for /api/, a small page otherwise. */
export function busyResponse(api: boolean, title: string, body: string, lang: string): Response {
  const headers = { 'Retry-After': String(BUSY_RETRY_AFTER_S), 'Cache-Control': 'no-store' };
  if (api) return Response.json({ error: 'db.busy', retryAfterSeconds: BUSY_RETRY_AFTER_S }, { status: 503, headers });
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const html = `<!doctype html><html lang="${escape(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} · Tilts</title></head><body><main><h1>${escape(title)}</h1><p>${escape(body)}</p></main></body></html>`;
  return new Response(html, { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
}
