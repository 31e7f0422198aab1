// Where console sign-in links land: a valid, unused token opens a session for that membership and
// leaves the token out of the address bar; anything else is refused plainly with a way back.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicPage } from "~/components/public-page";
import { useLocale } from "~/components/use-t";
import { consoleCookie } from "~/console/auth.server";
import { CONSOLE_PURPOSE } from "~/console/sign-in-mail.server";
import { bilingual } from "~/lib/bilingual";
import { isSecure } from "~/lib/portal-auth.server";
import { verifyToken } from "~/lib/signed-token.server";
import { createConsoleSession } from "~/models/console-session.server";
import { spendOneTimeToken } from "~/models/portal-session.server";

const text = bilingual(
  {
    title: "Lien de connexion",
    expired: "Ce lien a expiré. Demandez-en un nouveau.",
    used: "Ce lien a déjà servi : un lien de connexion ne fonctionne qu'une fois.",
    invalid: "Ce lien n'est pas valable, ou votre accès à cette marque a été retiré.",
    again: "Recevoir un nouveau lien",
  },
  {
    title: "Sign-in link",
    expired: "This link has expired. Ask for a new one.",
    used: "This link was already used: a sign-in link works once.",
    invalid: "This link is not valid, or your access to this brand was removed.",
    again: "Get a new link",
  },
);

export const meta: MetaFunction = () => [{ title: "Mesure console" }, { name: "robots", content: "noindex" }];

type Refusal = { problem: "expired" | "used" | "invalid" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, secret } = context.services;
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const checked = verifyToken(secret, token, CONSOLE_PURPOSE);
  if (!checked.ok) {
    const problem = checked.reason === "expired" ? "expired" : "invalid";
    return data<Refusal>({ problem }, { status: problem === "expired" ? 410 : 400 });
  }
  const memberId = typeof checked.payload.d?.m === "string" ? checked.payload.d.m : "";
  // The membership must still exist: a link minted before removal opens nothing.
  const member = await db.brandMember.findFirst({
    where: { id: memberId, brandId: checked.payload.b },
    select: { id: true, brandId: true },
  });
  if (!member) return data<Refusal>({ problem: "invalid" }, { status: 400 });
  if (!(await spendOneTimeToken(db, token, new Date(checked.payload.e * 1000)))) {
    return data<Refusal>({ problem: "used" }, { status: 410 });
  }
  const session = await createConsoleSession(db, { brandId: member.brandId, memberId: member.id });
  return redirect("/console", {
    headers: { "Set-Cookie": consoleCookie(session, isSecure(context)), "Cache-Control": "no-store" },
  });
}

export default function ConsoleEnter() {
  const { problem } = useLoaderData<typeof loader>() as Refusal;
  const t = text[useLocale()];
  return (
    <PublicPage title={t.title}>
      <p>{t[problem]}</p>
      <p>
        <Link to="/console/sign-in" className="button">
          {t.again}
        </Link>
      </p>
    </PublicPage>
  );
}
