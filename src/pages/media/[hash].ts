import type { APIRoute } from 'astro';
import { getMedia } from '../../lib/server/courses/catalog.ts';

/** Pictures of course packages, by content hash: immutable, so cached for a long time. */
export const GET: APIRoute = ({ locals, params }) => {
  const hash = params.hash ?? '';
  const media = /^[0-9a-f]{64}$/.test(hash) ? getMedia(locals.db, hash) : null;
  if (!media) return new Response('Not found', { status: 404 });
  return new Response(new Uint8Array(media.bytes), {
    headers: {
      'Content-Type': media.contentType,
      'Cache-Control': 'private, max-age=31536000, immutable',
      'Content-Disposition': 'inline',
    },
  });
};
