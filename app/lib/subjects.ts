// Subjects a customer may ask never to hear about, as tags on messages.

/** Subjects people most often ask to be spared, with the tag brands put on such messages. */
export const sensitiveSubjects: { tag: string; fr: string; en: string }[] = [
  { tag: "pregnancy-baby", fr: "Grossesse et bébé", en: "Pregnancy and baby" },
  { tag: "bereavement", fr: "Deuil", en: "Bereavement" },
  { tag: "mothers-day", fr: "Fête des mères", en: "Mother's Day" },
  { tag: "fathers-day", fr: "Fête des pères", en: "Father's Day" },
  { tag: "valentines-day", fr: "Saint-Valentin", en: "Valentine's Day" },
  { tag: "weight-loss", fr: "Perte de poids et régimes", en: "Weight loss and diets" },
  { tag: "alcohol", fr: "Alcool", en: "Alcohol" },
  { tag: "gambling", fr: "Jeux d'argent", en: "Gambling" },
];

/** A typed subject becomes a tag the way brands write them: lower case, words joined by hyphens. */
export function toTag(subject: string): string {
  return subject
    .trim()
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
