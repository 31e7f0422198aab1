// The local run's mailbox: what Mesure sent to its built-in SMTP catcher (no SMTP_URL), so a
// sign-in link or a confirmation can be followed without a mail server. Only on a Mesure
// reached at localhost: anywhere else these links would be open to anyone.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Mesure — mail" }, { name: "robots", content: "noindex" }];

export function loader({ context }: LoaderFunctionArgs) {
  const { mailCatcher, publicUrl } = context.services;
  const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(publicUrl);
  if (!mailCatcher || !local) throw data(null, { status: 404 });
  return {
    messages: mailCatcher.messages().map((mail) => ({
      id: mail.id,
      at: mail.at.toISOString(),
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      links: [...mail.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, "&")),
    })),
  };
}

export default function DevMail() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>Mail (local)</h1>
      <p>
        {messages.length} message(s) caught by the built-in SMTP server. Set <code>SMTP_URL</code> to send for real.
      </p>
      <ol className="mail-list">
        {messages.map((mail) => (
          <li key={mail.id}>
            <article aria-labelledby={`mail-${mail.id}`} className="card">
              <h2 id={`mail-${mail.id}`}>{mail.subject}</h2>
              <p className="hint">
                {mail.at} · {mail.to}
              </p>
              <pre className="mail-text">{mail.text}</pre>
              <ul>
                {[...new Set(mail.links)].map((link) => (
                  <li key={link}>
                    <a href={link}>{link}</a>
                  </li>
                ))}
              </ul>
            </article>
          </li>
        ))}
      </ol>
    </main>
  );
}
