// The frame every Mesure email shares: the brand's name and colour, one column, a footer that
// says why the person is getting it. Plain tables underneath (React Email), so it holds up in
// the mail clients that ignore modern CSS.
import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export type EmailBrand = { name: string; primaryColor: string };

export function EmailLayout(props: {
  lang: "fr" | "en";
  brand: EmailBrand;
  preview: string;
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <Html lang={props.lang}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#f6f5f2", fontFamily: "Helvetica, Arial, sans-serif", color: "#1d1d1b" }}>
        <Container style={{ maxWidth: "560px", margin: "0 auto", padding: "24px" }}>
          <Text style={{ fontSize: "18px", fontWeight: 700, color: props.brand.primaryColor, margin: "0 0 16px" }}>
            {props.brand.name}
          </Text>
          <Section style={{ backgroundColor: "#ffffff", borderRadius: "8px", padding: "24px" }}>
            {props.children}
          </Section>
          <Hr style={{ borderColor: "#dddad2", margin: "24px 0 12px" }} />
          <Text style={{ fontSize: "12px", color: "#5c5a55", lineHeight: "18px" }}>{props.footer}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export const paragraph = { fontSize: "15px", lineHeight: "22px", margin: "0 0 16px" } as const;

export function buttonStyle(color: string) {
  return {
    backgroundColor: color,
    color: "#ffffff",
    borderRadius: "6px",
    padding: "12px 20px",
    fontSize: "15px",
    fontWeight: 600,
    textDecoration: "none",
    display: "inline-block",
  } as const;
}
