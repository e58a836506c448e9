/**
 * Response headers that lock the platform down. Everything comes from our own
 * origin: no CDN, font, script or image from anywhere else can load, and
 * nothing is inlined, so the policy needs neither hashes nor 'unsafe-inline'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self'",
  "frame-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), display-capture=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The Content-Security-Policy of everything under /h5p/ (the sandboxed H5P
 * player): our origin only; H5P libraries need inline styles and eval. Its
 * `sandbox` directive gives every document served there an opaque origin,
 * also when it is opened directly in a tab rather than in the lesson page's
 * sandboxed frame: a package's script (say in an SVG picture) then has no
 * cookies, no storage and no same-origin access to the app, and never runs
 * as the person who opened it.
 */
export const PLAYER_CSP = [
  // Scripts only, as the lesson page's <iframe sandbox="allow-scripts">: no same origin, forms, pop-ups, top navigation.
  'sandbox allow-scripts',
  "default-src 'none'",
  // H5P libraries (e.g. EmbeddedJS) compile templates with eval; the frame is sandboxed, so this cannot reach the learner.
  "script-src 'self' 'unsafe-eval'",
  // H5P sets style attributes and injects style elements everywhere.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  // Some H5P libraries set <base> to the content's own folder.
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Under /h5p/ (the H5P player, see src/lib/server/h5p/player.ts): the
 * player's own CSP, and readable by the sandboxed frame's opaque origin
 * (which is cross-origin to us, so it needs CORS and a cross-origin CORP).
 * No credentials are ever allowed: the frame has none to send.
 */
export const PLAYER_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'Content-Security-Policy': PLAYER_CSP,
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Access-Control-Allow-Origin': '*',
};
