// What an inbound SMS asks for when it is one of the keywords carriers and regulators require
// us to honour (opt-out, help, opt-in), in English or French. Pure: text in, intent out.

export type SmsKeyword = "stop" | "help" | "start";

// Twilio's own opt-out list (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT):
// Twilio blocks the number on each of these whatever we do, so Mesure must record every one
// of them too, or its view of the customer's consent would disagree with what the carrier does.
// ARRET (which Twilio also honours, with ARRETE) and "STOP SMS" are the French forms, the
// latter the wording French SMS footers print ("STOP SMS au 36xxx").
const keywords: Record<string, SmsKeyword> = {
  STOP: "stop",
  STOPALL: "stop",
  "STOP ALL": "stop",
  "STOP SMS": "stop",
  UNSUBSCRIBE: "stop",
  CANCEL: "stop",
  END: "stop",
  QUIT: "stop",
  REVOKE: "stop",
  OPTOUT: "stop",
  ARRET: "stop",
  ARRETE: "stop",
  HELP: "help",
  INFO: "help",
  AIDE: "help",
  START: "start",
  UNSTOP: "start",
  "START SMS": "start",
};

/**
 * The keyword the whole message is, or null. Only the entire message counts ("stop by
 * tomorrow" is a conversation, not an opt-out), as carriers match them; case, accents,
 * surrounding spaces and a final full stop or exclamation mark do not matter.
 */
export function parseSmsKeyword(body: string): SmsKeyword | null {
  const normalised = body
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[.!]+\s*$/u, "")
    .trim()
    .replace(/\s+/g, " ")
    .toUpperCase();
  return Object.hasOwn(keywords, normalised) ? keywords[normalised]! : null;
}
