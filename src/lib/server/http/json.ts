/**
 * Reads a JSON request body of at most `maxBytes` (counted as it arrives, not
 * trusted from Content-Length), so an oversized body is refused before it is
 * parsed. The rest of an oversized body is read and dropped, not left in the
 * connection: the HTTP server's route limit (http/body-limits.ts) bounds it,
 * and the 413 then reaches the client on a connection still usable.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string }> {
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) return { ok: false, status: 415, error: 'validation.notJson' };
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) return { ok: false, status: 413, error: 'validation.tooLarge' };
  if (!request.body) return { ok: false, status: 400, error: 'validation.invalid' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    if (done) break;
    size += value.byteLength;
    if (size <= maxBytes) chunks.push(value);
  }
  if (size > maxBytes) return { ok: false, status: 413, error: 'validation.tooLarge' };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, status: 400, error: 'validation.invalid' };
  }
}
