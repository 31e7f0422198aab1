// The channels this process can send on, built from the configuration: email always (SMTP_URL,
// or the local catcher), in-app always, push always (VAPID keys are generated when not given),
// SMS when Twilio is configured. A message on a channel missing here fails over to its next one.
import type { Db } from "~/db/client.server";
import type { Env } from "~/lib/env.server";
import type { Channel } from "~/lib/vocabulary";
import { SmtpEmailAdapter } from "./email.server";
import { InboxAdapter } from "./in-app.server";
import { WebPushAdapter } from "./push.server";
import { TwilioSmsAdapter } from "./sms.server";
import type { ChannelAdapter } from "./types";

export function createChannels(input: {
  env: Env;
  db: Db;
  smtpUrl: string;
  vapid: { publicKey: string; privateKey: string; subject: string };
  concurrency: number;
}): Map<Channel, ChannelAdapter> {
  const { env, db } = input;
  const adapters: ChannelAdapter[] = [
    new SmtpEmailAdapter({
      smtpUrl: input.smtpUrl,
      from: env.MAIL_FROM,
      publicUrl: env.PUBLIC_URL,
      maxConnections: Math.min(8, input.concurrency),
    }),
    new InboxAdapter(db),
    new WebPushAdapter({ db, vapid: input.vapid }),
  ];
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM) {
    adapters.push(
      new TwilioSmsAdapter({
        accountSid: env.TWILIO_ACCOUNT_SID,
        authToken: env.TWILIO_AUTH_TOKEN,
        from: env.TWILIO_FROM,
        apiUrl: env.TWILIO_API_URL,
      }),
    );
  }
  return new Map(adapters.map((adapter) => [adapter.channel, adapter]));
}

export async function closeChannels(channels: Map<Channel, ChannelAdapter>): Promise<void> {
  await Promise.all([...channels.values()].map((adapter) => adapter.close()));
}
