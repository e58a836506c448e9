// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Server-rendered intranet application. Security headers (CSP and friends) are
// set for every response in src/middleware.ts and, for static files, in
// scripts/server.mjs; nothing may be inlined, so the CSP needs no hashes.
export default defineConfig({
  output: 'server',
  // 'middleware': scripts/server.ts is the HTTP server; it serves dist/client itself and
  // hands everything else to Astro without a file-system lookup per page request.
  adapter: node({ mode: 'middleware' }),
  // Sessions are our own (src/lib/server/session.ts, the Lucia way).
  session: false,
  // CSRF is checked in src/middleware.ts (Origin, else a double-submit token):
  // under Referrer-Policy no-referrer browsers post forms with `Origin: null`,
  // which Astro's own origin check would refuse.
  security: { checkOrigin: false },
  build: { inlineStylesheets: 'never' },
  vite: {
    build: { assetsInlineLimit: 0 },
    ssr: { external: ['better-sqlite3'] },
  },
  devToolbar: { enabled: false },
});
