// Posts to pages (every form of the portal and the console): a body over its limit is refused
// with 413 before Remix reads any of it, so no action ever sees part of a form and nothing
// changes. Bytes are counted as they arrive; a Content-Length over the limit is refused before
// reading. The console has a larger limit, and its CSV import streams its file through under one
// of its own. The refusals (this one and the cross-origin 403) are a short page in the visitor's
// language.
import http from "node:http";
import { MAX_IMPORT_BYTES } from "~/console/import/columns";
import { isLocale, LANGUAGE_COOKIE, localeFromAcceptLanguage, readCookie } from "~/lib/i18n";
import type { Locale } from "~/lib/vocabulary";

/** Far more than any form of the portal or the public pages holds (a few KB at most). */
export const FORM_BODY_LIMIT = 64 * 1024;
/**
 * The console's settings hold more at their limits: a cookie banner of 20 categories, each with
 * 500-character descriptions and 100 cookie names, or a topic's alert fields of 200 options.
 */
export const CONSOLE_BODY_LIMIT = 1024 * 1024;
/** The import's file (MAX_IMPORT_BYTES), with room for the multipart framing and CSRF field. */
export const IMPORT_BODY_LIMIT = MAX_IMPORT_BYTES + 64 * 1024;
const IMPORT_PATH = "/console/import";
/** How long the rest of a refused body is still read (and dropped), so the client gets the answer. */
const LINGER_MS = 10_000;

/** The error a streamed body's reader gets once the body passes its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The body is larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Hands the request to `next` with its body held to the limit of its path. A form is read whole
 * first (it is small) and handed over as a copy; past the limit, it is answered here instead.
 * The import's multipart upload is handed over at once and streamed: past its limit, its reader
 * gets a BodyTooLargeError (app/console/import/upload.server.ts answers 413).
 */
export function limitPageBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  next: (req: http.IncomingMessage) => void,
): void {
  const upload =
    path.replace(/\/$/, "") === IMPORT_PATH && /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");
  const limit = upload ? IMPORT_BODY_LIMIT : /^\/console(\/|$)/.test(path) ? CONSOLE_BODY_LIMIT : FORM_BODY_LIMIT;
  if (Number(req.headers["content-length"] ?? 0) > limit) return refusePost(req, res, { tooLarge: limit });

  let size = 0;
  if (upload) {
    // A reader that stops early (a part too large) leaves the rest for drain() to drop.
    const body = copyOf(
      req,
      () => req.resume(),
      () => drain(req),
    );
    const forward = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", forward).off("end", finish);
        body.destroy(new BodyTooLargeError(limit));
        drain(req);
      } else if (!body.push(chunk)) req.pause();
    };
    const finish = () => {
      body.complete = true;
      body.push(null);
    };
    req.on("data", forward).once("end", finish);
    return next(body);
  }

  const chunks: Buffer[] = [];
  const collect = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.off("data", collect).off("end", finish);
      chunks.length = 0;
      refusePost(req, res, { tooLarge: limit });
    } else chunks.push(chunk);
  };
  const finish = () => {
    const body = copyOf(
      req,
      () => {},
      () => {},
    );
    if (size > 0) body.push(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    body.complete = true;
    body.push(null);
    next(body);
  };
  req.on("data", collect).once("end", finish);
}

/**
 * The request again, with a body fed by its reader: Express and Remix take it for the request.
 * Destroying it (a reader that gave up) must not destroy the connection, which still owes the
 * client an answer, as IncomingMessage's own _destroy would.
 */
function copyOf(req: http.IncomingMessage, read: () => void, destroyed: () => void): http.IncomingMessage {
  const copy = new http.IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.headers = req.headers;
  copy.rawHeaders = req.rawHeaders;
  copy._read = read;
  copy._destroy = (error, callback) => {
    destroyed();
    callback(error);
  };
  return copy;
}

const draining = new WeakSet<http.IncomingMessage>();

/**
 * Reads and drops the rest of a body nobody will use, then calls `done`; a client still sending
 * after LINGER_MS is cut off.
 */
function drain(req: http.IncomingMessage, done: () => void = () => {}): void {
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    clearTimeout(timer);
    done();
  };
  if (req.complete || req.destroyed) return done();
  const timer = setTimeout(() => {
    once();
    req.socket.destroy();
  }, LINGER_MS).unref();
  req.once("end", once).once("close", once);
  if (draining.has(req)) return;
  draining.add(req);
  req.on("data", () => {});
  req.resume();
}

const words = {
  fr: {
    tooLarge: {
      title: "Formulaire trop volumineux",
      body: "Ce formulaire dépasse {size} : rien n'a été enregistré. Revenez à la page et réessayez avec moins de texte ou un fichier plus petit.",
    },
    crossOrigin: {
      title: "Formulaire refusé",
      body: "Ce formulaire a été envoyé depuis un autre site : rien n'a été enregistré. Ouvrez la page sur ce site-ci et réessayez.",
    },
    back: "Revenir à la page",
    kb: "Ko",
    mb: "Mo",
  },
  en: {
    tooLarge: {
      title: "Form too large",
      body: "This form is larger than {size}: nothing was saved. Go back to the page and try again with less text or a smaller file.",
    },
    crossOrigin: {
      title: "Form refused",
      body: "This form was sent from another site: nothing was saved. Open the page on this site and try again.",
    },
    back: "Back to the page",
    kb: "KB",
    mb: "MB",
  },
} as const;

/**
 * Answers a post to a page that will not reach it: 413 past the body limit, 403 from another
 * site. A short page (JSON for a script that asked for it); the body is read to its end before
 * the response ends, so the client, still sending, gets the answer rather than a reset.
 */
export function refusePost(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  reason: { tooLarge: number } | "crossOrigin",
): void {
  const locale = localeOf(req);
  const t = words[locale];
  const status = reason === "crossOrigin" ? 403 : 413;
  const size =
    reason === "crossOrigin"
      ? ""
      : reason.tooLarge >= 1024 * 1024
        ? `${Math.floor(reason.tooLarge / 1024 / 1024)} ${t.mb}`
        : `${Math.floor(reason.tooLarge / 1024)} ${t.kb}`;
  const accept = req.headers.accept ?? "";
  let text: string;
  if (accept.includes("application/json") && !accept.includes("text/html")) {
    const error =
      reason === "crossOrigin"
        ? { code: "forbidden", message: "Forms may only be posted from this site", issues: [] }
        : {
            code: "payload_too_large",
            message: `The body is larger than ${size}`,
            issues: [{ path: "(body)", message: `must be at most ${reason.tooLarge} bytes` }],
          };
    text = JSON.stringify({ error });
    res.setHeader("Content-Type", "application/json; charset=utf-8");
  } else {
    const { title, body } = reason === "crossOrigin" ? t.crossOrigin : t.tooLarge;
    const back = escapeHtml((req.url ?? "/").split("?", 1)[0]!);
    text = `<!DOCTYPE html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>${body.replace("{size}", size)}</p><p><a href="${back}">${t.back}</a></p></main></body></html>
`;
    res.setHeader("Content-Type", "text/html; charset=utf-8");
  }
  res.statusCode = status;
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Language", locale);
  // Written now (a client that waits for an answer before sending the rest gets it), ended once
  // the body is in: ending first would close a `Connection: close` socket under the client.
  res.write(text);
  drain(req, () => res.end());
}

/** The visitor's language as the pages choose it (app/lib/i18n.ts resolveLocale), from the raw request. */
function localeOf(req: http.IncomingMessage): Locale {
  try {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams.get("lang");
    if (isLocale(query)) return query;
    const cookie = readCookie(req.headers.cookie ?? null, LANGUAGE_COOKIE);
    if (isLocale(cookie)) return cookie;
  } catch {
    // A malformed cookie or address: the default language will do.
  }
  return localeFromAcceptLanguage(req.headers["accept-language"] ?? null) ?? "fr";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
