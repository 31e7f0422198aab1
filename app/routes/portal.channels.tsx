// Channels: where messages reach the customer, each channel on or off, quiet hours and limits
// per channel, and one limit across all of them. Validation errors appear beside each field;
// nothing is saved unless everything is valid. The devices that get push notifications are
// listed here too, with a button (JavaScript needed) to add this browser.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  Form,
  useActionData,
  useLoaderData,
  useNavigation,
  useRevalidator,
  useRouteLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { CsrfField, FieldError, invalid, Status } from "~/components/portal/form";
import { channelTitle, formatDate } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { bilingual, format } from "~/lib/bilingual";
import { fieldErrors, readForm } from "~/lib/forms.server";
import { resolveLocale } from "~/lib/i18n";
import { requireVisit } from "~/lib/portal-auth.server";
import { channels, LocalTime, type Channel } from "~/lib/vocabulary";
import { editPreferences } from "~/models/preferences.server";
import { describeUserAgent, endpointHash, listPushSubscriptions } from "~/models/push-subscription.server";

const text = bilingual(
  {
    title: "Canaux",
    lead: "Où et quand nous pouvons vous joindre. Les heures de silence et les limites s'appliquent à tous les messages, sauf les messages de service essentiels.",
    contact: "Vos coordonnées",
    email: "E-mail",
    phone: "Téléphone",
    none: "aucune",
    enabled: "Recevoir des messages par ce canal",
    quiet: "Heures de silence",
    quietStart: "De",
    quietEnd: "À",
    quietHint: "Laissez vide pour ne pas en avoir. Par exemple de 21:00 à 08:00.",
    dailyCap: "Au plus, par jour",
    weeklyCap: "Au plus, par semaine",
    capHint: "Laissez vide pour aucune limite.",
    global: "Tous canaux confondus",
    globalCap: "Au plus, par semaine, tous canaux confondus",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "C'est enregistré.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    channelLegend: "{channel}",
    pushTitle: "Notifications sur vos appareils",
    pushLead: "Les navigateurs où vous avez accepté nos notifications. Retirez-en un : il n'en recevra plus.",
    pushNone: "Aucun appareil pour l'instant.",
    pushDevice: "{browser} sur {system}",
    pushSomeBrowser: "Navigateur",
    pushSomeSystem: "un système inconnu",
    pushAdded: "ajouté le {date}",
    pushThisDevice: "cet appareil",
    pushRemove: "Retirer",
    pushSubscribe: "Recevoir les notifications sur cet appareil",
    pushNeedsJs: "Pour recevoir les notifications sur cet appareil, JavaScript doit être activé dans votre navigateur.",
    pushUnsupported: "Ce navigateur ne peut pas recevoir de notifications.",
    pushWorking: "Activation des notifications…",
    pushOn: "C'est fait : cet appareil recevra nos notifications.",
    pushDenied:
      "Votre navigateur bloque les notifications de ce site ; vous pouvez les autoriser dans ses réglages, puis réessayer.",
    pushDismissed: "Vous n'avez pas autorisé les notifications ; rien n'a changé.",
    pushFailed: "Les notifications n'ont pas pu être activées. Réessayez dans un moment.",
    pushSession: "Votre session a expiré : rechargez la page pour vous reconnecter.",
    pushRemoved: "L'appareil a été retiré : il ne recevra plus de notifications.",
    pushNotFound: "Cet appareil était déjà retiré.",
  },
  {
    title: "Channels",
    lead: "Where and when we may reach you. Quiet hours and limits apply to every message except essential service messages.",
    contact: "Your contact details",
    email: "Email",
    phone: "Phone",
    none: "none",
    enabled: "Receive messages on this channel",
    quiet: "Quiet hours",
    quietStart: "From",
    quietEnd: "To",
    quietHint: "Leave empty for none. For example from 21:00 to 08:00.",
    dailyCap: "At most, per day",
    weeklyCap: "At most, per week",
    capHint: "Leave empty for no limit.",
    global: "All channels together",
    globalCap: "At most, per week, all channels together",
    save: "Save",
    saving: "Saving…",
    saved: "Saved.",
    fix: "Some fields need fixing; nothing was saved.",
    channelLegend: "{channel}",
    pushTitle: "Notifications on your devices",
    pushLead: "The browsers where you accepted our notifications. Remove one and it gets no more.",
    pushNone: "No device yet.",
    pushDevice: "{browser} on {system}",
    pushSomeBrowser: "Browser",
    pushSomeSystem: "an unknown system",
    pushAdded: "added on {date}",
    pushThisDevice: "this device",
    pushRemove: "Remove",
    pushSubscribe: "Get notifications on this device",
    pushNeedsJs: "To get notifications on this device, JavaScript must be turned on in your browser.",
    pushUnsupported: "This browser cannot receive notifications.",
    pushWorking: "Turning notifications on…",
    pushOn: "Done: this device will get our notifications.",
    pushDenied: "Your browser blocks notifications from this site; you can allow them in its settings, then try again.",
    pushDismissed: "You did not allow notifications; nothing changed.",
    pushFailed: "Notifications could not be turned on. Try again in a moment.",
    pushSession: "Your session has ended: reload the page to sign in again.",
    pushRemoved: "The device was removed: it will get no more notifications.",
    pushNotFound: "This device was already removed.",
  },
);

const optionalCap = (max: number) =>
  z.preprocess(
    (value) => (value === "" || value === null || value === undefined ? null : Number(value)),
    z.number().int("integer").min(0).max(max).nullable(),
  );
const optionalTime = z.preprocess((value) => (value === "" || value == null ? null : value), LocalTime.nullable());

const ChannelForm = z
  .object({
    enabled: z.boolean(),
    quietStart: optionalTime,
    quietEnd: optionalTime,
    dailyCap: optionalCap(100),
    weeklyCap: optionalCap(500),
  })
  .superRefine((value, ctx) => {
    if ((value.quietStart === null) !== (value.quietEnd === null)) {
      ctx.addIssue({
        code: "custom",
        path: [value.quietStart === null ? "quietStart" : "quietEnd"],
        message: "quietPair",
      });
    }
  });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireVisit(request, context);
  const { db } = context.services;
  const [rows, preference, policies] = await Promise.all([
    db.channelPreference.findMany({
      where: { customerId: visit.customer.id },
      select: { channel: true, enabled: true, quietStart: true, quietEnd: true, dailyCap: true, weeklyCap: true },
    }),
    db.customerPreference.findUnique({ where: { customerId: visit.customer.id }, select: { globalWeeklyCap: true } }),
    db.brandChannelPolicy.findMany({ where: { brandId: visit.brand.id, enabled: true }, select: { channel: true } }),
  ]);
  const used = channels.filter((channel) => policies.some((policy) => policy.channel === channel));
  const owner = { brandId: visit.brand.id, customerId: visit.customer.id };
  const devices = used.includes("push") ? await listPushSubscriptions(db, owner) : [];
  return {
    contact: { email: visit.customer.email, phone: visit.customer.phone },
    channels: used.map((channel) => {
      const row = rows.find((r) => r.channel === channel);
      return {
        channel,
        enabled: row?.enabled ?? true,
        quietStart: row?.quietStart ?? "",
        quietEnd: row?.quietEnd ?? "",
        dailyCap: row?.dailyCap ?? null,
        weeklyCap: row?.weeklyCap ?? null,
      };
    }),
    globalWeeklyCap: preference?.globalWeeklyCap ?? null,
    push: used.includes("push")
      ? {
          publicKey: context.services.push.publicKey,
          // A registration of its own per brand: a browser can then hold one subscription for
          // each brand served from this origin, instead of one brand's replacing another's.
          scope: `/push/${visit.brand.slug}/`,
          timezone: visit.customer.timezone,
          devices: devices.map((device) => ({
            id: device.id,
            ...describeUserAgent(device.userAgent),
            createdAt: device.createdAt.toISOString(),
            // Lets the page recognise this browser's subscription without being sent endpoints.
            endpointHash: endpointHash(device.endpoint),
          })),
        }
      : null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context.csrf);
  const visit = await requireVisit(request, context);
  const { locale } = resolveLocale(request);
  const errors: Record<string, string> = {};
  const settings: [Channel, z.infer<typeof ChannelForm>][] = [];
  const present = channels.filter((channel) => form.has(`${channel}.present`));
  for (const channel of present) {
    const parsed = ChannelForm.safeParse({
      enabled: form.get(`${channel}.enabled`) === "on",
      quietStart: form.get(`${channel}.quietStart`),
      quietEnd: form.get(`${channel}.quietEnd`),
      dailyCap: form.get(`${channel}.dailyCap`),
      weeklyCap: form.get(`${channel}.weeklyCap`),
    });
    if (parsed.success) settings.push([channel, parsed.data]);
    else
      for (const [field, message] of Object.entries(fieldErrors(parsed.error, locale)))
        errors[`${channel}.${field}`] = message;
  }
  const global = optionalCap(1000).safeParse(form.get("globalWeeklyCap"));
  if (!global.success) errors.globalWeeklyCap = fieldErrors(global.error, locale).form!;
  if (Object.keys(errors).length || !global.success) {
    // What was typed comes back with the errors, so a page rendered without JavaScript keeps it.
    const values = Object.fromEntries(
      [...form].filter(([key]) => key !== "csrf").map(([key, value]) => [key, String(value)]),
    );
    return data({ ok: false, errors, values }, { status: 400 });
  }
  await editPreferences(
    context.services.db,
    { brandId: visit.brand.id, customerId: visit.customer.id },
    { source: "portal" },
    async (editor) => {
      for (const [channel, value] of settings) await editor.setChannelSettings(channel, value);
      await editor.setGeneralSettings({ globalWeeklyCap: global.data });
    },
  );
  return { ok: true, errors: {} as Record<string, string>, values: null };
}

export default function Channels() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const errors = result?.errors ?? {};
  const typed = result?.values ?? null;
  const initial = (field: string, saved: string | number | null) => typed?.[field] ?? saved ?? "";
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.lead}</p>
      <section className="card" aria-labelledby="contact-title">
        <h2 id="contact-title">{t.contact}</h2>
        <dl className="facts">
          <dt>{t.email}</dt>
          <dd>{loaded.contact.email ?? t.none}</dd>
          <dt>{t.phone}</dt>
          <dd>{loaded.contact.phone ?? t.none}</dd>
        </dl>
      </section>
      {loaded.push ? <PushDevices push={loaded.push} /> : null}
      {result?.ok ? <Status message={t.saved} /> : null}
      {result && !result.ok ? <Status message={t.fix} tone="error" /> : null}
      <Form method="post" className="stack" noValidate preventScrollReset>
        <CsrfField />
        {loaded.channels.map((row) => {
          const name = (field: string) => `${row.channel}.${field}`;
          return (
            <fieldset key={row.channel} className="card">
              <legend>{format(t.channelLegend, { channel: channelTitle(locale, row.channel) })}</legend>
              <input type="hidden" name={name("present")} value="1" />
              <div className="field checkbox">
                <input
                  type="checkbox"
                  id={name("enabled")}
                  name={name("enabled")}
                  defaultChecked={typed ? typed[name("enabled")] === "on" : row.enabled}
                />
                <label htmlFor={name("enabled")}>{t.enabled}</label>
              </div>
              <fieldset className="inline-fields">
                <legend>{t.quiet}</legend>
                <p className="hint" id={`${row.channel}-quiet-hint`}>
                  {t.quietHint}
                </p>
                {(["quietStart", "quietEnd"] as const).map((field) => (
                  <div className="field" key={field}>
                    <label htmlFor={name(field)}>{t[field]}</label>
                    <input
                      type="time"
                      id={name(field)}
                      name={name(field)}
                      defaultValue={initial(name(field), row[field])}
                      {...invalid(name(field), errors)}
                    />
                    <FieldError name={name(field)} errors={errors} />
                  </div>
                ))}
              </fieldset>
              <div className="inline-fields">
                {(["dailyCap", "weeklyCap"] as const).map((field) => (
                  <div className="field" key={field}>
                    <label htmlFor={name(field)}>{t[field]}</label>
                    <input
                      type="number"
                      inputMode="numeric"
                      min={0}
                      id={name(field)}
                      name={name(field)}
                      defaultValue={initial(name(field), row[field])}
                      {...invalid(name(field), errors)}
                    />
                    <FieldError name={name(field)} errors={errors} />
                  </div>
                ))}
              </div>
              <p className="hint">{t.capHint}</p>
            </fieldset>
          );
        })}
        <fieldset className="card">
          <legend>{t.global}</legend>
          <div className="field">
            <label htmlFor="globalWeeklyCap">{t.globalCap}</label>
            <input
              type="number"
              inputMode="numeric"
              min={0}
              id="globalWeeklyCap"
              name="globalWeeklyCap"
              defaultValue={initial("globalWeeklyCap", loaded.globalWeeklyCap)}
              {...invalid("globalWeeklyCap", errors)}
            />
            <FieldError name="globalWeeklyCap" errors={errors} />
          </div>
        </fieldset>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? t.saving : t.save}
        </button>
      </Form>
    </>
  );
}

type PushData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["push"]>;
type Announcement = { message: string; tone: "ok" | "error" } | null;

/** The devices that get push notifications, and the button that adds this browser. */
function PushDevices({ push }: { push: PushData }) {
  const locale = useLocale();
  const t = text[locale];
  const csrf = useRouteLoaderData<{ csrf: string }>("root")?.csrf ?? "";
  const revalidator = useRevalidator();
  const [searchParams] = useSearchParams();
  const outcome = searchParams.get("push");
  const [support, setSupport] = useState<"unknown" | "yes" | "no">("unknown");
  const [busy, setBusy] = useState(false);
  const [thisDevice, setThisDevice] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState<Announcement>(
    outcome === "removed"
      ? { message: t.pushRemoved, tone: "ok" }
      : outcome === "not-found"
        ? { message: t.pushNotFound, tone: "error" }
        : outcome === "subscribed"
          ? { message: t.pushOn, tone: "ok" }
          : null,
  );

  useEffect(() => {
    // Decided in the browser only: the server cannot know, and a page without JavaScript keeps
    // the sentence that says it is needed.
    const supported = "serviceWorker" in navigator && "PushManager" in window;
    setSupport(supported ? "yes" : "no");
    if (supported) void currentEndpointHash(push.scope).then(setThisDevice);
  }, [push.scope]);

  async function subscribe() {
    setBusy(true);
    setAnnouncement({ message: t.pushWorking, tone: "ok" });
    try {
      // Asked first, while the click still counts as the person's gesture (Safari requires it).
      const permission = Notification.requestPermission();
      const registering = navigator.serviceWorker.register("/push-sw.js", { scope: push.scope });
      const answer = await permission;
      if (answer !== "granted") {
        setAnnouncement({ message: answer === "denied" ? t.pushDenied : t.pushDismissed, tone: "error" });
        return;
      }
      const registration = await registering;
      await activated(registration);
      const key = fromBase64Url(push.publicKey);
      let subscription = await registration.pushManager.getSubscription();
      // Made with another key (Mesure's keys were replaced): the push service would refuse us.
      if (subscription && !sameBytes(subscription.options.applicationServerKey, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      const body = new FormData();
      body.set("csrf", csrf);
      body.set("intent", "subscribe");
      body.set("subscription", JSON.stringify(subscription));
      const response = await fetch("/portal/push", { method: "POST", body, headers: { Accept: "application/json" } });
      if (response.status === 401) {
        setAnnouncement({ message: t.pushSession, tone: "error" });
        return;
      }
      if (!response.ok) throw new Error(`the portal answered ${response.status}`);
      setThisDevice(await sha256Hex(subscription.endpoint));
      setAnnouncement({ message: t.pushOn, tone: "ok" });
      revalidator.revalidate();
    } catch (error) {
      console.error("push subscription failed", error);
      setAnnouncement({ message: t.pushFailed, tone: "error" });
    } finally {
      setBusy(false);
    }
  }

  const deviceName = (device: PushData["devices"][number]) =>
    device.browser || device.system
      ? format(t.pushDevice, {
          browser: device.browser ?? t.pushSomeBrowser,
          system: device.system ?? t.pushSomeSystem,
        })
      : t.pushSomeBrowser;

  return (
    <section className="card" id="push" aria-labelledby="push-title">
      <h2 id="push-title">{t.pushTitle}</h2>
      <p>{t.pushLead}</p>
      {push.devices.length === 0 ? <p>{t.pushNone}</p> : null}
      <ul>
        {push.devices.map((device) => (
          <li key={device.id} className="row-actions">
            <span>
              {deviceName(device)}
              {device.endpointHash === thisDevice ? ` (${t.pushThisDevice})` : ""}
              {", "}
              {format(t.pushAdded, { date: formatDate(locale, device.createdAt, push.timezone) })}
            </span>
            {/* A whole-page post: it works the same with or without JavaScript. */}
            <Form method="post" action="/portal/push" reloadDocument>
              <CsrfField />
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="id" value={device.id} />
              <button type="submit" className="button secondary">
                {t.pushRemove}
                <span className="visually-hidden">{` (${deviceName(device)})`}</span>
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {support === "unknown" ? <p className="hint">{t.pushNeedsJs}</p> : null}
      {support === "no" ? <p className="hint">{t.pushUnsupported}</p> : null}
      {support === "yes" ? (
        <button type="button" className="button" onClick={() => void subscribe()} disabled={busy} aria-busy={busy}>
          {t.pushSubscribe}
        </button>
      ) : null}
      {/* Always in the page, so that assistive technology announces what is put in them (plain
          live regions: the page's form keeps the one role="status" for its own outcome). */}
      <div aria-live="polite" aria-atomic="true">
        {announcement?.tone === "ok" ? <p className="status status-ok">{announcement.message}</p> : null}
      </div>
      <div aria-live="assertive" aria-atomic="true">
        {announcement?.tone === "error" ? <p className="status status-error">{announcement.message}</p> : null}
      </div>
    </section>
  );
}

/** Resolves once the registration's worker is active: pushManager.subscribe() needs one. */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting ?? registration.active;
  if (!worker || worker.state === "activated") return Promise.resolve();
  return new Promise((resolve, reject) => {
    worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
      if (worker.state === "redundant") reject(new Error("the service worker failed to install"));
    });
  });
}

/** This browser's existing subscription for the scope, as the hash the loader lists devices by. */
async function currentEndpointHash(scope: string): Promise<string | null> {
  try {
    const registration = await navigator.serviceWorker.getRegistration(scope);
    const subscription = await registration?.pushManager.getSubscription();
    return subscription ? await sha256Hex(subscription.endpoint) : null;
  } catch {
    return null;
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function sameBytes(buffer: ArrayBuffer | null, bytes: Uint8Array): boolean {
  if (!buffer || buffer.byteLength !== bytes.length) return false;
  const view = new Uint8Array(buffer);
  return view.every((byte, index) => byte === bytes[index]);
}
