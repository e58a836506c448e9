/**
 * Requests a page makes by itself on a timer (the learner's terminal check,
 * the supervisor's room view): they read the session but are no sign of a
 * person at the keyboard, so they must not postpone the idle timeout. (The
 * idle warning's "stay signed in" button and every page a person opens do.)
 */
const PASSIVE_POLLS: ReadonlySet<string> = new Set(['/api/learn/terminal', '/api/supervise/room']);

export function isPassivePoll(method: string, pathname: string): boolean {
  return method === 'GET' && PASSIVE_POLLS.has(pathname);
}
