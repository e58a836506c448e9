import type { APIRoute } from 'astro';
import { pdfAttachment } from '../../lib/server/http/download.ts';
import { renderTranscriptPdf } from '../../lib/server/certificates/transcript.ts';
import { portalLearnerId, recordPortalDownload } from '../../lib/server/portal/documents.ts';

/** The released person's own transcript (every completed course, module and assessment) as a PDF. */
export const GET: APIRoute = async ({ locals, url }) => {
  const { db, user, config, clientIp } = locals;
  const learnerId = user ? portalLearnerId(db, user) : null;
  if (!user || learnerId === null) return new Response('Not found', { status: 404 });
  const pdf = await renderTranscriptPdf(db, learnerId, config.publicOrigin ?? url.origin);
  if (!pdf) return new Response('Not found', { status: 404 });
  recordPortalDownload(db, user, { kind: 'transcript', learnerId }, clientIp);
  return pdfAttachment(pdf, 'sekmju-izraksts.pdf');
};
