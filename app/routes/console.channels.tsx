// /console/channels: the brand's rules per channel (on or off, default caps per customer, the
// windows in which it may send, in the customer's local time), its cap across channels and the
// share of each cap kept for high-priority messages. Saved rules reach the decisions at once.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConsolePage, useConsoleMember } from "~/components/console/page";
import { CsrfField, errorId, FieldError, invalid, Status } from "~/components/portal/form";
import { channelTitle } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { consoleForm } from "~/console/form.server";
import {
  draftOfChannelsForm,
  draftOfRules,
  parseChannelsDraft,
  type ChannelsDraft,
} from "~/console/settings/channel-form.server";
import { saveChannelRulesFromConsole } from "~/console/settings/channels.server";
import { isBlankWindow, nextRow, type WindowDraft } from "~/console/settings/drafts";
import { dayName, isoDays } from "~/console/settings/words";
import { bilingual } from "~/lib/bilingual";
import { channels, type Channel } from "~/lib/vocabulary";
import { getChannelRules } from "~/models/brand.server";

const text = bilingual(
  {
    title: "Canaux",
    lead: "Les règles de la marque pour chaque canal. Les limites sont celles d'un client qui n'en a pas choisi ; les siennes passent avant. Les heures sont celles du client.",
    enabled: "Envoyer sur ce canal",
    enabledHint: "Éteint, plus aucun message ne part sur ce canal, même les messages de service.",
    dailyCap: "Au plus, par client et par jour",
    weeklyCap: "Au plus, par client et par semaine",
    capHint: "Laissez vide pour aucune limite.",
    windows: "Fenêtres d'envoi",
    windowsHint:
      "Les moments où ce canal peut envoyer, dans l'heure locale du client. Sans fenêtre : à toute heure. Une fenêtre peut passer minuit (22:00 à 06:00). Laissez la dernière ligne vide si vous n'ajoutez rien.",
    window: "Fenêtre {number}",
    newWindow: "Nouvelle fenêtre",
    days: "Jours",
    start: "De",
    end: "À",
    remove: "Supprimer cette fenêtre",
    global: "Tous canaux confondus",
    globalWeeklyCap: "Au plus, par client et par semaine, tous canaux confondus",
    highPriorityReserve: "Part de chaque limite gardée pour les messages prioritaires (%)",
    reserveHint:
      "Les messages de priorité « high » peuvent utiliser toute la limite ; les autres s'arrêtent avant cette part. Les messages critiques ne comptent pas.",
    save: "Enregistrer",
    saving: "Enregistrement…",
    saved: "C'est enregistré ; les décisions en tiennent compte dès maintenant.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
    readOnly: "Votre rôle permet de consulter ces règles, pas de les modifier.",
  },
  {
    title: "Channels",
    lead: "The brand's rules for each channel. Caps are those of a customer who chose none; the customer's own come first. Times are the customer's.",
    enabled: "Send on this channel",
    enabledHint: "When off, no message at all goes out on this channel, service messages included.",
    dailyCap: "At most, per customer per day",
    weeklyCap: "At most, per customer per week",
    capHint: "Leave empty for no cap.",
    windows: "Send windows",
    windowsHint:
      "When this channel may send, in the customer's local time. No window: any time. A window may cross midnight (22:00 to 06:00). Leave the last row empty if you add nothing.",
    window: "Window {number}",
    newWindow: "New window",
    days: "Days",
    start: "From",
    end: "To",
    remove: "Remove this window",
    global: "All channels together",
    globalWeeklyCap: "At most, per customer per week, all channels together",
    highPriorityReserve: "Share of each cap kept for high-priority messages (%)",
    reserveHint:
      "Messages of priority “high” may use the whole cap; the others stop short of this share. Critical messages do not count.",
    save: "Save",
    saving: "Saving…",
    saved: "Saved; decisions take it into account from now on.",
    fix: "Some fields need fixing; nothing was saved.",
    readOnly: "Your role lets you read these rules, not change them.",
  },
);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const rules = await getChannelRules(context.services.db, visit.brand.id);
  if (!rules) throw data(null, { status: 404 });
  return { draft: draftOfRules(rules) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { visit, form, locale } = await consoleForm(request, context, "editor");
  const draft = draftOfChannelsForm(form);
  const parsed = parseChannelsDraft(draft, locale);
  if (!parsed.ok) return data({ ok: false, errors: parsed.errors, draft }, { status: 400 });
  await saveChannelRulesFromConsole(context.services.db, visit, parsed.data);
  return { ok: true, errors: {} as Record<string, string>, draft: null };
}

export default function Channels() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { can } = useConsoleMember();
  const locale = useLocale();
  const t = text[locale];
  const editable = can("editor");
  const errors: Record<string, string> = result?.errors ?? {};
  const draft: ChannelsDraft = result?.draft ?? loaded.draft;
  const busy = navigation.state === "submitting";
  return (
    <ConsolePage title={t.title} lead={t.lead}>
      {result && !result.ok ? (
        <Status message={t.fix} tone="error" />
      ) : (
        <Status message={result?.ok ? t.saved : null} />
      )}
      {editable ? null : <p>{t.readOnly}</p>}
      <Form method="post" className="stack" noValidate key={JSON.stringify(draft)}>
        <CsrfField />
        {channels.map((channel) => (
          <ChannelRules key={channel} channel={channel} draft={draft} errors={errors} editable={editable} />
        ))}
        <fieldset className="console-card" disabled={!editable}>
          <legend>{t.global}</legend>
          <div className="console-grid">
            <NumberField
              name="globalWeeklyCap"
              label={t.globalWeeklyCap}
              hint={t.capHint}
              value={draft.globalWeeklyCap}
              errors={errors}
            />
            <NumberField
              name="highPriorityReserve"
              label={t.highPriorityReserve}
              hint={t.reserveHint}
              value={draft.highPriorityReserve}
              errors={errors}
              max={100}
            />
          </div>
        </fieldset>
        {editable ? (
          <button type="submit" className="button" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        ) : null}
      </Form>
    </ConsolePage>
  );
}

function NumberField(props: {
  name: string;
  label: string;
  hint: string;
  value: string;
  errors: Record<string, string>;
  max?: number;
}) {
  const hintId = `${props.name.replace(/\./g, "-")}-hint`;
  return (
    <div className="field">
      <label htmlFor={props.name}>{props.label}</label>
      <p className="hint" id={hintId}>
        {props.hint}
      </p>
      <input
        type="number"
        inputMode="numeric"
        min={0}
        max={props.max}
        id={props.name}
        name={props.name}
        defaultValue={props.value}
        aria-describedby={props.errors[props.name] ? `${errorId(props.name)} ${hintId}` : hintId}
        aria-invalid={props.errors[props.name] ? true : undefined}
      />
      <FieldError name={props.name} errors={props.errors} />
    </div>
  );
}

function ChannelRules(props: {
  channel: Channel;
  draft: ChannelsDraft;
  errors: Record<string, string>;
  editable: boolean;
}) {
  const { channel, errors, editable } = props;
  const rule = props.draft.channels[channel];
  const locale = useLocale();
  const t = text[locale];
  const windows = rule.windows.filter((window) => !isBlankWindow(window));
  return (
    <fieldset className="console-card" disabled={!editable}>
      <legend>{channelTitle(locale, channel)}</legend>
      <div className="field checkbox">
        <input
          type="checkbox"
          id={`${channel}.enabled`}
          name={`${channel}.enabled`}
          defaultChecked={rule.enabled}
          aria-describedby={`${channel}-enabled-hint`}
        />
        <label htmlFor={`${channel}.enabled`}>{t.enabled}</label>
      </div>
      <p className="hint" id={`${channel}-enabled-hint`}>
        {t.enabledHint}
      </p>
      <div className="console-grid">
        <NumberField
          name={`${channel}.dailyCap`}
          label={t.dailyCap}
          hint={t.capHint}
          value={rule.dailyCap}
          errors={errors}
        />
        <NumberField
          name={`${channel}.weeklyCap`}
          label={t.weeklyCap}
          hint={t.capHint}
          value={rule.weeklyCap}
          errors={errors}
        />
      </div>
      <fieldset aria-describedby={`${channel}-windows-hint`}>
        <legend>{t.windows}</legend>
        <p className="hint" id={`${channel}-windows-hint`}>
          {t.windowsHint}
        </p>
        {windows.map((window, index) => (
          <SendWindowRow key={window.n} channel={channel} window={window} number={index + 1} errors={errors} />
        ))}
        {editable ? (
          <SendWindowRow
            channel={channel}
            window={{ n: nextRow(rule.windows), days: [], start: "", end: "", remove: false }}
            number={null}
            errors={errors}
          />
        ) : null}
      </fieldset>
    </fieldset>
  );
}

/** One send window; `number` null for the blank row that adds one. */
function SendWindowRow(props: {
  channel: Channel;
  window: WindowDraft;
  number: number | null;
  errors: Record<string, string>;
}) {
  const { channel, window, errors } = props;
  const locale = useLocale();
  const t = text[locale];
  const name = (field: string) => `${channel}.windows.${window.n}.${field}`;
  const id = (field: string) => `${channel}-windows-${window.n}-${field}`;
  return (
    <fieldset className="send-window">
      <legend>{props.number === null ? t.newWindow : t.window.replace("{number}", String(props.number))}</legend>
      <fieldset
        className="send-window-days"
        aria-describedby={errors[name("days")] ? errorId(name("days")) : undefined}
      >
        <legend>{t.days}</legend>
        {isoDays.map((day) => {
          const { short, full } = dayName(locale, day);
          return (
            <span className="field checkbox" key={day}>
              <input
                type="checkbox"
                id={id(`day-${day}`)}
                name={name("days")}
                value={day}
                defaultChecked={window.days.includes(String(day))}
              />
              <label htmlFor={id(`day-${day}`)}>
                <span aria-hidden="true">{short}</span>
                <span className="visually-hidden">{full}</span>
              </label>
            </span>
          );
        })}
        <FieldError name={name("days")} errors={errors} />
      </fieldset>
      <div className="inline-fields">
        {(["start", "end"] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={id(field)}>{t[field]}</label>
            <input
              type="time"
              id={id(field)}
              name={name(field)}
              defaultValue={window[field]}
              {...invalid(name(field), errors)}
            />
            <FieldError name={name(field)} errors={errors} />
          </div>
        ))}
      </div>
      {props.number === null ? null : (
        <div className="field checkbox">
          <input type="checkbox" id={id("remove")} name={name("remove")} defaultChecked={window.remove} />
          <label htmlFor={id("remove")}>{t.remove}</label>
        </div>
      )}
    </fieldset>
  );
}
