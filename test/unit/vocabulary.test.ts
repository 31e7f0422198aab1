import { describe, expect, it } from "vitest";
import { AlertCriteria, FilterField, isTimeZone, LocalTime, Origin, Slug } from "~/lib/vocabulary";
import { validateCriteria } from "~/models/preferences.server";

describe("vocabulary", () => {
  it.each(["Europe/Paris", "America/New_York", "Pacific/Auckland", "UTC"])("knows the time zone %s", (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });
  it.each(["Mars/Olympus", "", "paris", "+02:00"])("refuses the time zone %j", (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });

  it("normalises origins and refuses paths", () => {
    expect(Origin.parse("https://Shop.Example:443/")).toBe("https://shop.example");
    expect(Origin.safeParse("https://shop.example/portal").success).toBe(false);
    expect(Origin.safeParse("javascript:alert(1)").success).toBe(false);
  });

  it("reads slugs", () => {
    expect(Slug.parse("  Maison-Demo ")).toBe("maison-demo");
    for (const bad of ["a", "-x", "x--y", "x_y", "é"]) expect(Slug.safeParse(bad).success).toBe(false);
  });

  it("reads local times", () => {
    expect(LocalTime.safeParse("21:30").success).toBe(true);
    for (const bad of ["24:00", "9:00", "21:60"]) expect(LocalTime.safeParse(bad).success).toBe(false);
  });

  it("checks alert criteria against the topic's typed fields", () => {
    const fields = [
      FilterField.parse({
        key: "designer",
        type: "set",
        labelFr: "Créateur",
        labelEn: "Designer",
        options: ["Sézane", "A.P.C."],
      }),
      FilterField.parse({ key: "price", type: "range", labelFr: "Prix", labelEn: "Price" }),
      FilterField.parse({ key: "product", type: "text", labelFr: "Réf.", labelEn: "Ref." }),
    ];
    const ok = AlertCriteria.parse({ designer: { in: ["Sézane"] }, price: { max: 300 }, product: { eq: "SKU-1" } });
    expect(validateCriteria(fields, ok)).toEqual([]);
    expect(validateCriteria(fields, AlertCriteria.parse({ colour: { eq: "red" } }))).toEqual([
      { path: "criteria.colour", message: "is not a field of this topic" },
    ]);
    expect(validateCriteria(fields, AlertCriteria.parse({ designer: { in: ["Prada"] } }))[0]?.message).toBe(
      "has unknown values: Prada",
    );
    expect(validateCriteria(fields, AlertCriteria.parse({ price: { eq: "cheap" } }))[0]?.message).toMatch(/range/);
    expect(validateCriteria(fields, {})).toHaveLength(1);
    expect(AlertCriteria.safeParse({ price: {} }).success).toBe(false);
  });
});
