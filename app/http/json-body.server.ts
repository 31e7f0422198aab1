// Reading a JSON request body from node:http, with the limits and errors the API promises.
import type { IncomingMessage } from "node:http";
import { ApiError } from "~/lib/api/errors";

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
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new ApiError(400, "invalid_json", `The body is not valid JSON: ${(error as Error).message}`, [
      { path: "(body)", message: "is not valid JSON" },
    ]);
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${limit} bytes`, [
    { path: "(body)", message: `must be at most ${limit} bytes` },
  ]);
}
