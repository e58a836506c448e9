import fs from 'node:fs';
import type { APIRoute } from 'astro';
import { getH5pContent } from '../../../../lib/server/h5p/content.ts';
import { fileHeaders, playerDocument, playerVersion, resolvePlayerFile, verifyGrant } from '../../../../lib/server/h5p/player.ts';

/**
 * One H5P content, opened by its grant (a signed, expiring capability: the
 * sandboxed frame sends no cookies). `/h5p/play/<grant>/` is the frame
 * document; below it are h5p.json, content/… and the content's libraries.
 */
export const GET: APIRoute = ({ params, locals }) => {
  const { db, config } = locals;
  const contentId = verifyGrant(db, params.grant ?? '');
  if (contentId === null) return new Response('Not found', { status: 404 });
  const rel = params.path ?? '';
  // The grant expires within hours; the browser may keep the files that long.
  const cache = 'private, max-age=3600';
  if (rel === '' || rel === 'index.html') {
    const content = getH5pContent(db, contentId);
    if (!content) return new Response('Not found', { status: 404 });
    const html = playerDocument({ grant: params.grant!, contentId, title: content.title, lang: locals.locale, version: playerVersion() });
    return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
  }
  const file = resolvePlayerFile(db, config.dataDir, contentId, rel);
  if (!file) return new Response('Not found', { status: 404 });
  if (file.kind === 'text') return new Response(file.text, { headers: { 'Content-Type': file.contentType, 'Cache-Control': cache } });
  return new Response(fs.readFileSync(file.path), { headers: fileHeaders(file, cache) });
};
