// Reading a JSON request body from node:http, with the limits and errors the API promises.
import type { IncomingMessage } from "node:http";
import { ApiError, errors } from "~/lib/api/errors";
import { parseJsonBody } from "~/lib/api/parse-json";

export async function readJsonBody(
  req: IncomingMessage,
  limitBytes: number,
): Promise<{ text: string; value: unknown }> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json", [
      { path: "Content-Type", message: "must be application/json" },
    ]);
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limitBytes) throw errors.payloadTooLarge(limitBytes);
  const text = await readText(req, limitBytes);
  return { text, value: parseJsonBody(text) };
}

/** The body as text, refusing it past the limit. Plain events: an async iterator per request
 * costs more than the whole JSON parse of a decision. */
function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        // Stop here; the rest is read and dropped after the answer (./unread-body.server.ts).
        req.removeAllListeners("data");
        req.pause();
        reject(errors.payloadTooLarge(limitBytes));
      } else chunks.push(chunk);
    });
    req.once("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")),
    );
    req.once("error", reject);
  });
}
