import type { APIRoute } from 'astro';
import { pdfAttachment } from '../../../lib/server/http/download.ts';
import { pinSlipsPdf } from '../../../lib/server/people/pin-slips-pdf.ts';
import { runAction } from '../../../actions/runner.ts';
import { pinSlips } from '../../../actions/roster.ts';

/**
 * Issues PINs to a batch of learners and answers with their slips (PDF).
 * Without `replace`, only learners who have no PIN yet get one; when every
 * learner of the batch already has one, or `replace` comes without its
 * confirmation, or the batch is refused, the answer is the batch page
 * (/staff/roster/pins), which says why and asks. Nothing is stored but the
 * PINs' hashes.
 */
export const POST: APIRoute = async (context) => {
  const state = await runAction(context, pinSlips);
  const ids = state?.ok ? state.result.ids : state?.failure?.ids;
  if (!state || !Array.isArray(ids)) return new Response('Bad request', { status: 400 });
  const back = (extra = '') => context.redirect(`/staff/roster/pins?${ids.map((id) => `learner=${Number(id)}`).join('&')}${extra}`, 303);
  if (!state.ok || state.result.slips.length === 0) return back(state.ok && state.result.unconfirmed ? '&unconfirmed=1' : '');
  return pdfAttachment(await pinSlipsPdf(state.result.slips, new Date().toISOString().slice(0, 10)), 'tilts-pin.pdf');
};
