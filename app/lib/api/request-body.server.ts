// A Remix route's request body, read up to a limit: a Content-Length over it is refused before
// reading, and a body that passes it is refused as soon as it does, without holding it all.
import { errors } from "./errors";

/**
 * The body as text, or a 413. Past the limit it stops reading but never cancels the stream:
 * cancelling destroys the request, and with it the connection the answer must go back on (the
 * node:http layer reads and drops the rest, app/http/unread-body.server.ts).
 */
export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > limitBytes) throw errors.payloadTooLarge(limitBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      reader.releaseLock();
      throw errors.payloadTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
