/** A file for the browser to save (never cached: the documents are personal). */
export function attachment(body: Uint8Array | string, contentType: string, filename: string): Response {
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    headers: { 'Content-Type': contentType, 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' },
  });
}

/** A PDF for the browser to save. */
export const pdfAttachment = (bytes: Uint8Array, filename: string): Response => attachment(bytes, 'application/pdf', filename);
