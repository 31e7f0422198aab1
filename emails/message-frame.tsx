// The frame around every message the scheduler sends (as opposed to the portal's own emails):
// the brand's layout, then a footer that says why this person got it and links to the "why"
// page, their preferences and, for marketing, a one-click unsubscribe.
import { Link } from "@react-email/components";
import type { ReactNode } from "react";
import { EmailLayout, type EmailBrand } from "./layout";

export type FooterLinks = { why: string | null; preferences: string; unsubscribe: string | null };

export type FrameProps = {
  lang: "fr" | "en";
  brand: EmailBrand;
  preview: string;
  /** One sentence: the subscription or alert that caused this message. */
  because: string;
  links: FooterLinks;
  children?: ReactNode;
};

const words = {
  fr: { why: "Pourquoi ce message ?", preferences: "Mes préférences", unsubscribe: "Me désabonner" },
  en: { why: "Why this message?", preferences: "My preferences", unsubscribe: "Unsubscribe" },
};

const linkStyle = { color: "#3d3b37", textDecoration: "underline" } as const;

export function MessageFrame(props: FrameProps) {
  const t = words[props.lang];
  const links: [string, string][] = [
    ...(props.links.why ? ([[t.why, props.links.why]] as [string, string][]) : []),
    [t.preferences, props.links.preferences],
    ...(props.links.unsubscribe ? ([[t.unsubscribe, props.links.unsubscribe]] as [string, string][]) : []),
  ];
  const footer = (
    <>
      {props.because}
      <br />
      {links.map(([label, href], index) => (
        <span key={href}>
          {index > 0 ? " · " : null}
          <Link href={href} style={linkStyle}>
            {label}
          </Link>
        </span>
      ))}
    </>
  );
  return (
    <EmailLayout lang={props.lang} brand={props.brand} preview={props.preview} footer={footer}>
      {props.children}
    </EmailLayout>
  );
}
