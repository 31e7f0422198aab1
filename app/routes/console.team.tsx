// /console/team: who may use the brand's console, with which role, and when they last signed in.
// Owners add members (who get a sign-in link by email), change roles and remove members; the
// brand always keeps an owner. Removing someone ends their sessions at once.
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ConsolePage, roleNames, useConsoleMember } from "~/components/console/page";
import { ConfirmCard, OutcomeStatus, TextField } from "~/components/console/fields";
import { CsrfField, FieldError, invalid } from "~/components/portal/form";
import { formatDateTime } from "~/components/portal/words";
import { useLocale } from "~/components/use-t";
import { requireMember } from "~/console/auth.server";
import { intentForm } from "~/console/actions.server";
import { ROLES, Role } from "~/console/roles";
import { sendConsoleSignInInBackground } from "~/console/sign-in-mail.server";
import { getBrandTimezone } from "~/models/brand.server";
import { changeMemberRole, dismissMember, inviteMember } from "~/console/team/members.server";
import { bilingual, format } from "~/lib/bilingual";
import { parseForm, type FieldErrors } from "~/lib/forms.server";
import { listMembers, MemberError } from "~/models/member.server";

const text = bilingual(
  {
    title: "Équipe",
    lead: "Les personnes qui peuvent ouvrir la console de votre marque. Propriétaire : tout, y compris l'équipe ; éditeur·rice : les réglages ; lecture seule : consulter.",
    readOnly: "Seuls les propriétaires peuvent modifier l'équipe.",
    caption: "Membres de l'équipe",
    email: "Adresse e-mail",
    name: "Nom",
    role: "Rôle",
    lastSignIn: "Dernière connexion",
    actions: "Actions",
    never: "Jamais",
    you: "(vous)",
    roleOf: "Rôle de {email}",
    changeRole: "Changer le rôle",
    remove: "Retirer…",
    addTitle: "Ajouter un membre",
    addLead:
      "La personne reçoit aussitôt un lien de connexion par e-mail (valable 20 minutes ; elle pourra en demander un autre).",
    nameHint: "Facultatif.",
    add: "Ajouter et envoyer le lien",
    added: "{email} fait partie de l'équipe ({role}) ; un lien de connexion vient de lui être envoyé.",
    roleChanged: "{email} est maintenant {role}.",
    removed: "{email} ne fait plus partie de l'équipe ; ses sessions ouvertes sont fermées.",
    confirmTitle: "Retirer {email} de l'équipe ?",
    confirmBody: "Ses sessions ouvertes sont fermées tout de suite, et ses liens de connexion ne fonctionneront plus.",
    confirm: "Oui, retirer",
    cancel: "Annuler",
    exists: "Cette adresse fait déjà partie de l'équipe.",
    lastOwner: "La marque doit garder au moins un·e propriétaire : nommez-en un·e autre d'abord.",
    notFound: "Ce membre ne fait pas (ou plus) partie de l'équipe.",
    unknown: "Cette action n'est pas reconnue.",
    fix: "Certains champs sont à corriger ; rien n'a été enregistré.",
  },
  {
    title: "Team",
    lead: "The people who may open your brand's console. Owner: everything, the team included; editor: the settings; read only: look.",
    readOnly: "Only owners may change the team.",
    caption: "Team members",
    email: "Email address",
    name: "Name",
    role: "Role",
    lastSignIn: "Last signed in",
    actions: "Actions",
    never: "Never",
    you: "(you)",
    roleOf: "Role of {email}",
    changeRole: "Change role",
    remove: "Remove…",
    addTitle: "Add a member",
    addLead: "They get a sign-in link by email at once (it works for 20 minutes; they can ask for another).",
    nameHint: "Optional.",
    add: "Add and send the link",
    added: "{email} is on the team ({role}); a sign-in link is on its way to them.",
    roleChanged: "{email} is now {role}.",
    removed: "{email} is no longer on the team; their open sessions are closed.",
    confirmTitle: "Remove {email} from the team?",
    confirmBody: "Their open sessions close at once, and their sign-in links stop working.",
    confirm: "Yes, remove",
    cancel: "Cancel",
    exists: "This address is already on the team.",
    lastOwner: "The brand must keep at least one owner: make someone else owner first.",
    notFound: "This person is not (or no longer) on the team.",
    unknown: "This action is not recognised.",
    fix: "Some fields need fixing; nothing was saved.",
  },
);

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const visit = await requireMember(request, context);
  const { db } = context.services;
  const [members, timeZone] = await Promise.all([
    listMembers(db, visit.brand.id),
    getBrandTimezone(db, visit.brand.id),
  ]);
  const removing = new URL(request.url).searchParams.get("remove");
  const rows = members.map((member) => ({
    id: member.id,
    email: member.email,
    name: member.name,
    role: member.role,
    lastSignInAt: member.lastSignInAt?.toISOString() ?? null,
  }));
  return { timeZone, members: rows, confirm: rows.find((member) => member.id === removing)?.id ?? null };
}

const Intent = z.enum(["add", "role", "remove"]);
const AddMember = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  name: z.string().trim().max(80),
  role: Role,
});
const MemberId = z.string().trim().min(1).max(64);

type Outcome = {
  intent: z.infer<typeof Intent> | null;
  /** The member acted on (for role changes and removals: which row the errors belong to). */
  memberId?: string;
  email?: string;
  role?: Role;
  errors?: FieldErrors;
  values?: { email: string; name: string; role: string };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { fields, locale, who, intent } = await intentForm(request, context, "owner", Intent);
  const t = text[locale];
  const { db } = context.services;
  if (!intent) return data<Outcome>({ intent: null, errors: { form: t.unknown } }, { status: 400 });

  if (intent === "add") {
    const values = { email: fields.email ?? "", name: fields.name ?? "", role: fields.role ?? "" };
    const parsed = parseForm(AddMember, values, locale);
    if (!parsed.ok) return data<Outcome>({ intent: "add", values, errors: parsed.errors }, { status: 400 });
    try {
      const member = await inviteMember(db, { ...who, ...parsed.data });
      // After the commit: the link must name a membership that exists.
      sendConsoleSignInInBackground(context.services, member.email, locale);
      return data<Outcome>({ intent: "add", memberId: member.id, email: member.email, role: member.role });
    } catch (error) {
      if (!(error instanceof MemberError && error.code === "exists")) throw error;
      return data<Outcome>({ intent: "add", values, errors: { email: t.exists } }, { status: 400 });
    }
  }

  const memberId = MemberId.safeParse(fields.memberId);
  const missing = data<Outcome>({ intent: intent, errors: { form: t.notFound } }, { status: 404 });
  if (!memberId.success) return missing;
  const target = { intent: intent, memberId: memberId.data };
  try {
    if (intent === "role") {
      const role = parseForm(z.object({ role: Role }), { role: fields.role }, locale);
      if (!role.ok) return data<Outcome>({ ...target, errors: role.errors }, { status: 400 });
      const { email } = await changeMemberRole(db, { ...who, memberId: memberId.data, role: role.data.role });
      return data<Outcome>({ ...target, email, role: role.data.role });
    }
    const { email } = await dismissMember(db, { ...who, memberId: memberId.data });
    return data<Outcome>({ ...target, email });
  } catch (error) {
    if (!(error instanceof MemberError)) throw error;
    if (error.code === "not_found") return missing;
    const field = intent === "role" ? "role" : "form";
    return data<Outcome>({ ...target, errors: { [field]: t.lastOwner } }, { status: 400 });
  }
}

function outcomeMessage(
  t: (typeof text)["fr"],
  roles: Record<Role, string>,
  result: Outcome | undefined,
): { message: string; ok: boolean } | null {
  if (!result) return null;
  if (result.errors) return { message: result.errors.form ?? t.fix, ok: false };
  const email = result.email ?? "";
  const role = result.role ? roles[result.role] : "";
  if (result.intent === "add") return { message: format(t.added, { email, role }), ok: true };
  if (result.intent === "role") return { message: format(t.roleChanged, { email, role }), ok: true };
  if (result.intent === "remove") return { message: format(t.removed, { email }), ok: true };
  return null;
}

export default function ConsoleTeam() {
  const { members, confirm, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Outcome | undefined;
  const navigation = useNavigation();
  const locale = useLocale();
  const t = text[locale];
  const roles = roleNames[locale];
  const { member: me, can } = useConsoleMember();
  const owner = can("owner");
  const said = outcomeMessage(t, roles, result);
  const addErrors = result?.intent === "add" ? (result.errors ?? null) : null;
  const removing = members.find((member) => member.id === confirm);
  const busy = navigation.state === "submitting";

  return (
    <ConsolePage title={t.title} lead={t.lead}>
      <OutcomeStatus said={said} />
      {owner ? null : <p className="notice">{t.readOnly}</p>}

      <table className="table">
        <caption>{t.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.email}</th>
            <th scope="col">{t.name}</th>
            <th scope="col">{t.role}</th>
            <th scope="col">{t.lastSignIn}</th>
            {owner ? <th scope="col">{t.actions}</th> : null}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => {
            const rowErrors = result?.intent === "role" && result.memberId === member.id ? result.errors : null;
            const fieldId = `role-${member.id}`;
            return (
              <tr key={member.id}>
                <th scope="row">
                  {member.email} {member.email === me.email ? <span className="muted">{t.you}</span> : null}
                </th>
                <td>{member.name}</td>
                <td>
                  {owner ? (
                    <Form method="post" action="/console/team" className="inline-fields">
                      <CsrfField />
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="memberId" value={member.id} />
                      <label htmlFor={fieldId} className="visually-hidden">
                        {format(t.roleOf, { email: member.email })}
                      </label>
                      <select id={fieldId} name="role" defaultValue={member.role} {...invalid("role", rowErrors)}>
                        {ROLES.map((role) => (
                          <option key={role} value={role}>
                            {roles[role]}
                          </option>
                        ))}
                      </select>
                      <button type="submit" className="button secondary" disabled={busy}>
                        {t.changeRole}
                        <span className="visually-hidden"> {member.email}</span>
                      </button>
                      <FieldError name="role" errors={rowErrors} />
                    </Form>
                  ) : (
                    roles[member.role]
                  )}
                </td>
                <td>{member.lastSignInAt ? formatDateTime(locale, member.lastSignInAt, timeZone) : t.never}</td>
                {owner ? (
                  <td>
                    <Link
                      to={`?remove=${encodeURIComponent(member.id)}#confirm-remove`}
                      className="button danger"
                      preventScrollReset
                    >
                      {t.remove}
                      <span className="visually-hidden"> {member.email}</span>
                    </Link>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>

      {owner && removing ? (
        <ConfirmCard
          id="confirm-remove"
          title={format(t.confirmTitle, { email: removing.email })}
          body={t.confirmBody}
          fields={{ intent: "remove", memberId: removing.id }}
          confirm={t.confirm}
          cancel={t.cancel}
          busy={busy}
        />
      ) : null}

      {owner ? (
        <section className="console-card" aria-labelledby="add-title">
          <h2 id="add-title">{t.addTitle}</h2>
          <p>{t.addLead}</p>
          {/* A new key after each member added: the fields start empty again. */}
          <Form
            method="post"
            action="/console/team"
            className="stack"
            noValidate
            key={result?.intent === "add" && !result.errors ? result.memberId : "add"}
          >
            <CsrfField />
            <input type="hidden" name="intent" value="add" />
            <TextField
              id="member-email"
              name="email"
              label={t.email}
              errors={addErrors}
              type="email"
              required
              autoComplete="off"
              defaultValue={result?.intent === "add" ? result.values?.email : undefined}
            />
            <TextField
              id="member-name"
              name="name"
              label={t.name}
              hint={t.nameHint}
              hintId="member-name-hint"
              errors={addErrors}
              type="text"
              maxLength={80}
              autoComplete="off"
              defaultValue={result?.intent === "add" ? result.values?.name : undefined}
            />
            <div className="field">
              <label htmlFor="member-role">{t.role}</label>
              <select
                id="member-role"
                name="role"
                defaultValue={result?.intent === "add" ? result.values?.role || "viewer" : "viewer"}
                {...invalid("role", addErrors)}
              >
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {roles[role]}
                  </option>
                ))}
              </select>
              <FieldError name="role" errors={addErrors} />
            </div>
            <div>
              <button type="submit" className="button" disabled={busy}>
                {t.add}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </ConsolePage>
  );
}
