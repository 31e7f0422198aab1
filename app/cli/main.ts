// `npm run -s mesure -- <command>`: the operator's command line. Results go to standard output,
// messages to standard error; exit status 0 on success, 2 when the command was called wrongly,
// 1 when something else failed.
import { openDatabase } from "~/db/client.server";
import { parseDatabaseUrl } from "~/db/database-url";
import { seedDemo } from "~/db/demo-seed.server";
import { migrate } from "~/db/migrate.server";
import { parseEnv } from "~/lib/env.server";
import { allowPrivateAddresses } from "~/lib/outbound.server";
import { apiKeyCommand } from "./api-key.server";
import { UsageError } from "./args";
import { brandCommand } from "./brand.server";
import { connectorCommand } from "./connector.server";
import { erasureCommand } from "./erasure.server";
import { consentCommand } from "./consent.server";
import { consoleLinkCommand, memberCommand } from "./member.server";
import { portalLinkCommand } from "./portal-link.server";
import { topicCommand } from "./topic.server";
import { vapidKeysCommand } from "./vapid-keys.server";
import { webhookCommand } from "./webhook.server";

const usage = `usage: npm run -s mesure -- <command>

  brand create --slug <slug> --name <name> [--locales fr,en] [--timezone Europe/Paris]
               [--embed-origin https://shop.example]... [--weekly-cap N]
  brand list
  brand set --brand <slug> [--embed-origin https://shop.example]... [--cookie-config <file.json>]
            [--privacy-email <email>] [--erasure-grace-days N]
                                                   --embed-origin replaces the list ("" clears it)
  brand show --brand <slug>                        the brand's privacy and cookie settings
  topic create --brand <slug> --key <key> --name-fr <text> --name-en <text>
               --kind transactional|marketing|alert --channels email,sms,push,in_app
               [--frequency instant|daily|weekly|monthly] [--description-fr <text>]
               [--description-en <text>] [--default-on] [--double-opt-in]
               [--filter-fields '<JSON>']
  topic list --brand <slug>
  api-key create --brand <slug> [--name <name>]    prints the key alone on standard output
  api-key list --brand <slug>
  api-key revoke --brand <slug> --key <id or prefix>
  portal-link --brand <slug> --customer <externalId> [--ttl 7d]
  member add --brand <slug> --email <email> [--role owner|editor|viewer]   (default owner)
  member list --brand <slug>
  member remove --brand <slug> --email <email>
  console-link --brand <slug> --email <email>      a one-time console sign-in link for a member
  connector add --brand <slug> --name <name> --url <url>
                                                   prints the signing secret alone on standard output
  connector list --brand <slug>
  connector enable|disable --brand <slug> --name <name>
  connector rotate-secret --brand <slug> --name <name>   prints the new secret alone
  connector remove --brand <slug> --name <name> [--abandon-pending]
  webhook add --brand <slug> --url <url> [--events preference.changed,consent.changed,...]
              [--description <text>]           prints the signing secret alone on standard output
  webhook list --brand <slug>
  webhook remove --brand <slug> --id <id>
  erasure request --brand <slug> --customer <externalId>  prints the request id
  erasure status|cancel --brand <slug> --id <request id>
  consent verify --brand <slug>                    prove the consent ledger intact, or name the
                                                   first broken event (exit status 1)
  migrate                                          apply pending database migrations
  seed demo                                        create the demo brand if it is missing
  vapid-keys                                       a new Web Push key pair, as VAPID_…= lines

Configuration comes from the same environment variables as the server (DATABASE_URL, …).`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    (command ? out : note)(usage);
    return command ? 0 : 2;
  }
  if (command === "vapid-keys") {
    // Needs neither configuration nor a database.
    vapidKeysCommand(rest, out);
    return 0;
  }
  const parsedEnv = parseEnv(process.env);
  if (!parsedEnv.ok) {
    note(parsedEnv.error);
    return 1;
  }
  const env = parsedEnv.env;
  // The rule the server applies when it calls out, so that `webhook add` and `connector add`
  // refuse what it would never call.
  allowPrivateAddresses(env.OUTBOUND_PRIVATE_ADDRESSES === "allow");
  const target = parseDatabaseUrl(env.DATABASE_URL);
  await migrate(target);
  if (command === "migrate") {
    note("the database is up to date");
    return 0;
  }
  const { db, close } = openDatabase(env.DATABASE_URL);
  try {
    switch (command) {
      case "brand":
        await brandCommand(db, rest, out);
        break;
      case "topic":
        await topicCommand(db, rest, out);
        break;
      case "api-key":
        await apiKeyCommand(db, rest, out, note);
        break;
      case "consent":
        return await consentCommand(db, rest, out);
      case "connector":
        await connectorCommand(db, env, rest, out, note);
        break;
      case "webhook":
        await webhookCommand(db, env, rest, out, note);
        break;
      case "erasure":
        await erasureCommand(db, rest, out, note);
        break;
      case "member":
        await memberCommand(db, rest, out);
        break;
      case "console-link":
        await consoleLinkCommand(db, env, rest, out);
        break;
      case "portal-link":
        await portalLinkCommand(db, env, rest, out);
        break;
      case "seed":
        if (rest[0] !== "demo" || rest.length > 1) throw new UsageError('seed takes one argument: "demo"');
        note((await seedDemo(db)).created ? 'created the demo brand "demo"' : 'the demo brand "demo" already exists');
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } finally {
    await close();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    note(`mesure: ${error.message}`);
    note(`run "npm run -s mesure -- help" for usage`);
    process.exitCode = 2;
  } else {
    note(`mesure: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
