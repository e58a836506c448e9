import fs from 'node:fs';
import type { APIRoute } from 'astro';
import frameScript from '../../../lib/server/h5p/frame/tilts-frame.js?raw';
import frameStyles from '../../../lib/server/h5p/frame/tilts-frame.css?raw';
import { fileHeaders, resolvePlayerAsset } from '../../../lib/server/h5p/player.ts';

/**
 * The H5P player's own files: h5p-standalone as installed in node_modules,
 * and our frame script. Public (they hold no learner data); the URL carries
 * the player version, so they are cached for a year.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const GET: APIRoute = ({ params }) => {
  // '<version>/<file>': the version only busts caches.
  const rel = (params.path ?? '').split('/').slice(1).join('/');
  if (rel === 'tilts-frame.js') return new Response(frameScript, { headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': IMMUTABLE } });
  if (rel === 'tilts-frame.css') return new Response(frameStyles, { headers: { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': IMMUTABLE } });
  const asset = resolvePlayerAsset(rel);
  if (!asset || asset.kind !== 'file') return new Response('Not found', { status: 404 });
  return new Response(fs.readFileSync(asset.path), { headers: fileHeaders(asset, IMMUTABLE) });
};
