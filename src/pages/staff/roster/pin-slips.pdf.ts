import type { APIRoute } from 'astro';
import { z } from 'zod';
import { pdfAttachment } from '../../../lib/server/http/download.ts';
import { issuePins, MAX_PIN_BATCH } from '../../../lib/server/people/pin-slips.ts';
import { pinSlipsPdf } from '../../../lib/server/people/pin-slips-pdf.ts';

/**
 * Issues PINs to a batch of learners and answers with their slips (PDF).
 * Without `replace`, only learners who have no PIN yet get one; when every
 * learner of the batch already has one, or `replace` comes without its
 * confirmation, or the batch is refused, the answer is the batch page
 * (/staff/roster/pins), which says why and asks. Nothing is stored but the
 * PINs' hashes.
 */
const formSchema = z.object({
  learner: z.array(z.coerce.number().int().positive()).min(1).max(MAX_PIN_BATCH),
  /** Replace PINs already handed over (asked on the batch page). */
  replace: z.literal('1').optional(),
  /** The confirmation that goes with `replace`. */
  confirm: z.literal('1').optional(),
});

export const POST: APIRoute = async ({ locals, request, redirect }) => {
  const { db, user } = locals;
  const form = await request.formData().catch(() => new FormData());
  const parsed = formSchema.safeParse({
    learner: form.getAll('learner'),
    replace: form.get('replace') ?? undefined,
    confirm: form.get('confirm') ?? undefined,
  });
  if (!user || !parsed.success) return new Response('Bad request', { status: 400 });
  const ids = parsed.data.learner;
  const back = (extra = '') => redirect(`/staff/roster/pins?${ids.map((id) => `learner=${id}`).join('&')}${extra}`, 303);
  if (parsed.data.replace && !parsed.data.confirm) return back('&unconfirmed=1');
  const result = await issuePins(db, user, ids, { replace: parsed.data.replace === '1' });
  if (!result.ok || result.slips.length === 0) return back();
  return pdfAttachment(await pinSlipsPdf(result.slips, new Date().toISOString().slice(0, 10)), 'tilts-pin.pdf');
};
