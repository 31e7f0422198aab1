// A customer's consent receipt: every event of theirs in the brand's ledger, with each field the
// hash covers, exactly as stored, so anyone can recompute each hash and check it against the
// brand's chain without trusting Mesure's word.
import type { Tx } from "~/db/client.server";
import { consentEventHash, storedConsentEventSelect, type StoredConsentEvent } from "~/models/consent.server";
import { findShownTexts } from "./shown-cookie-texts.server";

export const RECEIPT_FORMAT = "mesure-consent-receipt/1";

export type LedgerEvent = StoredConsentEvent;

/**
 * The customer's events, oldest first: those written for them, and the cookie choices of the
 * browsers linked to them (made before they were known, so without their id).
 */
export async function listCustomerConsentEvents(
  db: Tx,
  owner: { brandId: string; customerId: string },
): Promise<LedgerEvent[]> {
  const links = await db.visitorLink.findMany({
    where: { brandId: owner.brandId, customerId: owner.customerId },
    select: { visitorId: true },
  });
  const visitors = links.map((link) => link.visitorId);
  return db.consentEvent.findMany({
    where: {
      brandId: owner.brandId,
      // A browser's own events only while nobody was known on it: once a choice carries a
      // customer's id it is theirs, and a browser moved to someone else must not hand it on.
      OR: [
        { customerId: owner.customerId },
        ...(visitors.length ? [{ visitorId: { in: visitors }, customerId: null }] : []),
      ],
    },
    orderBy: { seq: "asc" },
    select: storedConsentEventSelect,
  });
}

/** Whether an event's stored hash is the one its content gives. */
export function hashMatches(event: LedgerEvent): boolean {
  const { id: _id, hash, ...content } = event;
  return consentEventHash(content) === hash;
}

const instructions = {
  en: [
    "Each event's hash is the SHA-256 (hex) of the UTF-8 JSON text of this array, in this order, with no spaces: " +
      "[brandId, seq, customerId, visitorId, kind, subject, before, after, source, policyVersion, shownTextHash, createdAt, prevHash].",
    "before and after are hashed as the JSON text given here (strings), not as parsed values; createdAt as given (ISO 8601, milliseconds, UTC).",
    "prevHash is the hash of the brand's previous event (seq - 1); the first event of a brand points to SHA-256 of 'mesure-consent-genesis:' followed by the brand id.",
    "Events of other people sit between yours in the brand's chain, so your seq numbers have gaps; the chain head below is the hash of the brand's latest event when this receipt was made. Keep this receipt: if one of your events were later altered or removed, its hash would no longer be found in the brand's chain.",
    "shownTexts holds, for each shownTextHash of a cookie choice, the text the banner showed: the SHA-256 (hex) of its `shown` string, as UTF-8, is that hash ([title, body, [[key, name, description], …]] in the language shown).",
  ],
  fr: [
    "Le hash de chaque événement est le SHA-256 (hexadécimal) du texte JSON UTF-8 de ce tableau, dans cet ordre, sans espaces : " +
      "[brandId, seq, customerId, visitorId, kind, subject, before, after, source, policyVersion, shownTextHash, createdAt, prevHash].",
    "before et after sont hachés tels que le texte JSON donné ici (des chaînes), et non une fois décodés ; createdAt tel quel (ISO 8601, millisecondes, UTC).",
    "prevHash est le hash de l'événement précédent de la marque (seq - 1) ; le premier événement d'une marque pointe vers le SHA-256 de 'mesure-consent-genesis:' suivi de l'identifiant de la marque.",
    "Les événements d'autres personnes s'intercalent entre les vôtres dans la chaîne de la marque, d'où les trous dans vos numéros seq ; la tête de chaîne ci-dessous est le hash du dernier événement de la marque au moment de ce reçu. Gardez ce reçu : si l'un de vos événements était modifié ou retiré plus tard, son hash ne se retrouverait plus dans la chaîne de la marque.",
    "shownTexts donne, pour chaque shownTextHash d'un choix de cookies, le texte que le bandeau affichait : le SHA-256 (hexadécimal) de sa chaîne `shown`, en UTF-8, est ce hash ([titre, texte, [[clé, nom, description], …]] dans la langue affichée).",
  ],
};

/** The receipt as a JSON document (stable field names; `format` changes if they ever do). */
export async function consentReceipt(
  db: Tx,
  owner: { brandId: string; customerId: string },
  brand: { slug: string; name: string },
  now = new Date(),
) {
  const [events, head] = await Promise.all([
    listCustomerConsentEvents(db, owner),
    db.consentChain.findUnique({ where: { brandId: owner.brandId }, select: { length: true, headHash: true } }),
  ]);
  const texts = await findShownTexts(
    db,
    owner.brandId,
    events.map((event) => event.shownTextHash),
  );
  return {
    format: RECEIPT_FORMAT,
    generatedAt: now.toISOString(),
    brand: { id: owner.brandId, slug: brand.slug, name: brand.name },
    customerId: owner.customerId,
    chainHead: { length: head?.length ?? 0, hash: head?.headHash ?? null },
    hashAlgorithm: "sha256",
    hashedFields: [
      "brandId",
      "seq",
      "customerId",
      "visitorId",
      "kind",
      "subject",
      "before",
      "after",
      "source",
      "policyVersion",
      "shownTextHash",
      "createdAt",
      "prevHash",
    ],
    instructions,
    events: events.map((event) => ({
      id: event.id,
      brandId: event.brandId,
      seq: event.seq,
      customerId: event.customerId,
      visitorId: event.visitorId,
      kind: event.kind,
      subject: event.subject,
      before: event.before,
      after: event.after,
      source: event.source,
      policyVersion: event.policyVersion,
      shownTextHash: event.shownTextHash,
      createdAt: event.createdAt.toISOString(),
      prevHash: event.prevHash,
      hash: event.hash,
    })),
    shownTexts: [...texts.values()].map((text) => ({
      hash: text.hash,
      policyVersion: text.policyVersion,
      locale: text.locale,
      shown: text.shown,
    })),
  };
}
export type ConsentReceipt = Awaited<ReturnType<typeof consentReceipt>>;
