// What happens to the rest of a request body once the answer has gone out early (a refusal
// before or while reading it: 401, 413, 400...). The rest is read and thrown away, up to a
// bound, and only then may the connection close: a server that stops reading, or closes with
// bytes still arriving, has the kernel reset the connection, and the client loses the answer
// it was sent (ECONNRESET instead of the 413).
import type { IncomingMessage, ServerResponse } from "node:http";

/** How much of an unwanted body is read and dropped, and for how long, before giving up on it. */
export const DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;
export const DISCARD_LIMIT_MS = 10_000;

/**
 * Call once per request, before it is handled. Readers that refuse a body stop reading and
 * leave the rest to this (they never destroy the request: that resets the connection at once).
 */
export function discardUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  // Only a request with a body can have some of it left unread.
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return;
  // Before node:http's own handler, which closes the connection right away when it is not kept
  // alive (the client sent `Connection: close`, or HTTP/1.0).
  res.prependOnceListener("finish", () => {
    // Ended: read through. (Complete is not enough: the parser may be done while a reader that
    // stopped left data in the request, and the connection waits for it to be read.)
    if (req.readableEnded || req.destroyed) return;
    const socket = req.socket;
    let dropped = 0;
    const giveUp = () => socket.destroy();
    const timer = setTimeout(giveUp, DISCARD_LIMIT_MS);
    timer.unref();
    // Whoever was reading (the JSON reader, Remix's stream) has stopped: the rest goes nowhere.
    req.removeAllListeners("data");
    req.on("data", (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DISCARD_LIMIT_BYTES) giveUp();
    });
    // A connection that closes after this answer closes once the body has all been read: the
    // answer is complete, and a client still sending takes an early close (even a clean one)
    // for a failed upload.
    const destroySoon = socket.destroySoon;
    let closing = false;
    socket.destroySoon = () => {
      closing = true;
    };
    req.once("end", () => {
      clearTimeout(timer);
      socket.destroySoon = destroySoon;
      if (closing) socket.destroySoon();
    });
    req.once("close", () => clearTimeout(timer));
    req.resume();
  });
}
