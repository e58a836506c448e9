/**
 * How many bytes a request body may have, by route, enforced by the HTTP
 * server (scripts/server.ts) before anything reads the body: a declared
 * Content-Length over the limit is refused at once, and a chunked body
 * (no Content-Length) is counted as it arrives and cut off at the limit.
 * Either way the answer is 413 and the connection is closed, so a keep-alive
 * connection is never left waiting on the rest of a body nobody reads.
 *
 * Forms and JSON are small; only the upload forms get more (their pages
 * then check the file's own limit and say so in the person's language).
 */

const KIB = 1024;
const MIB = 1024 * KIB;

/** Any form or JSON body: sign-in, settings, answers. */
export const FORM_LIMIT = 64 * KIB;

/** Routes whose bodies may be larger, longest prefix first. */
const LIMITS: readonly { path: RegExp; bytes: number }[] = [
  // H5P packages (50 MB, src/pages/teach/author/[courseId]/lesson.astro), course packages and images, plus multipart framing.
  { path: /^\/teach\/author(\/|$)/, bytes: 60 * MIB },
  // The prison register's roster (5 MB, MAX_ROSTER_BYTES), plus framing: the page tells what is too large up to here.
  { path: /^\/staff\/roster\/?$/, bytes: 6 * MIB },
  // An H5P xAPI statement (MAX_STATEMENT_BYTES 256 KB) and the H5P user state (64 KB), with their envelope.
  { path: /^\/api\/learn\/h5p\/statement$/, bytes: 260 * KIB },
  { path: /^\/api\/learn\/h5p\/state$/, bytes: 68 * KIB },
  // A quiz's answers in progress (MAX_DRAFT_BYTES 64 KB) with their envelope.
  { path: /^\/api\/learn\/quiz-draft$/, bytes: 68 * KIB },
];

/** The body limit of a request to `pathname`, in bytes. */
export function bodyLimit(pathname: string): number {
  return LIMITS.find((rule) => rule.path.test(pathname))?.bytes ?? FORM_LIMIT;
}
