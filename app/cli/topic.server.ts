// `mesure topic create|list`
import type { Db } from "~/db/client.server";
import { createTopic, listTopics, TopicInput, TopicKeyTakenError } from "~/models/topic.server";
import { list, parse, required, UsageError, validate } from "./args";
import { brandFromSlug } from "./brand-lookup.server";

export async function topicCommand(db: Db, [action, ...argv]: string[], out: (line: string) => void) {
  if (action === "create") {
    const values = parse(argv, {
      brand: { type: "string" },
      key: { type: "string" },
      "name-fr": { type: "string" },
      "name-en": { type: "string" },
      "description-fr": { type: "string" },
      "description-en": { type: "string" },
      kind: { type: "string" },
      channels: { type: "string" },
      frequency: { type: "string" },
      "default-on": { type: "boolean" },
      "double-opt-in": { type: "boolean" },
      "filter-fields": { type: "string" },
    });
    const brand = await brandFromSlug(db, required(values, "brand"));
    let filterFields: unknown;
    if (values["filter-fields"] !== undefined) {
      try {
        filterFields = JSON.parse(String(values["filter-fields"]));
      } catch {
        throw new UsageError(
          `--filter-fields must be JSON, e.g. '[{"key":"size","type":"set","labelFr":"Taille","labelEn":"Size","options":["S","M"]}]'`,
        );
      }
    }
    const input = validate(
      TopicInput,
      {
        key: required(values, "key"),
        nameFr: required(values, "name-fr"),
        nameEn: required(values, "name-en"),
        descriptionFr: values["description-fr"],
        descriptionEn: values["description-en"],
        kind: required(values, "kind"),
        channels: list(required(values, "channels")),
        defaultFrequency: values.frequency,
        defaultOn: values["default-on"],
        doubleOptIn: values["double-opt-in"],
        filterFields,
      },
      { defaultFrequency: "--frequency" },
    );
    try {
      const topic = await createTopic(db, brand.id, input);
      out(`created topic ${topic.key} (${topic.kind}, ${topic.channels.join(", ")}) for ${brand.slug}`);
    } catch (error) {
      if (error instanceof TopicKeyTakenError) throw new UsageError(error.message);
      throw error;
    }
    return;
  }
  if (action === "list") {
    const values = parse(argv, { brand: { type: "string" } });
    const brand = await brandFromSlug(db, required(values, "brand"));
    for (const topic of await listTopics(db, brand.id)) {
      out(`${topic.key}\t${topic.kind}\t${topic.channels.join(",")}\t${topic.defaultFrequency}\t${topic.nameEn}`);
    }
    return;
  }
  throw new UsageError(`topic takes "create" or "list", not ${JSON.stringify(action ?? "")}`);
}
