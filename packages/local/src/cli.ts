/**
 * `npx redial <command>` (or `npm run redial -- <command>`): the local runtime's command line. Small on
 * purpose: `start` (what `npm start` does), `sign`, which signs a body file with the dev secret for use
 * with curl, and `export`, the weekly recycled-lead CSV read straight from the table.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { signWebhook } from "@redial/functions";
import { runCheck } from "./check-command.ts";
import { runDoctor } from "./doctor.ts";
import { EXPORT_HELP, runExport } from "./export-command.ts";
import { runImport } from "./import-command.ts";
import { start } from "./main.ts";
import { DEV_WEBHOOK_SECRET } from "./runtime.ts";

const HELP = `redial — the local runtime's command line

Usage: npx redial <command>        (or: npm run -s redial -- <command>)

Commands:
  start              start everything locally (the same as npm start)
  sign <file.json>   print the webhook-id, webhook-timestamp and webhook-signature headers for
                     the exact bytes of <file.json>, signed with REDIAL_WEBHOOK_SECRET (first of
                     several) or the dev secret. The timestamp is now: accepted for 5 minutes.
  export [options]   the recycled-lead CSV of one ISO week (CONTRACT.md, "Weekly export"), read
                     from the table of a running \`npm start\` (or AWS with --aws); options below
  import <file>      apply a CSV or NDJSON file of past calls to the table of a running \`npm start\`
                     (or AWS with --aws), each row with its own date; resumable;
                     \`npx redial import --help\` (docs/import.md)
  check [--json]     check the invariants (I1–I7) over the whole table of a running \`npm start\`
                     (or AWS with --aws); exit code 1 on any violation; \`npx redial check --help\`
  doctor --stage <s> check a deployed stage with your AWS credentials (SES sandbox, identity and
                     DKIM, configuration set, schedule group, table PITR/TTL) and say what to fix;
                     \`npx redial doctor --help\` for the options (docs/deploy.md)
  help               this text

Example:
  curl -i http://localhost:3000/v1/events -H 'content-type: application/json' \\
    -H @<(npm run -s redial -- sign event.json) --data-binary @event.json
  npx redial export --week 2026-W48 --owner rep-7 --out w48.csv

Export ${EXPORT_HELP.slice(EXPORT_HELP.indexOf("Options:")).replace("Options:", "options:")}`;

export function signFile(path: string, secret: string, now = new Date()): string {
  const body = readFileSync(path);
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  const signature = signWebhook({ id, timestamp, body, secret });
  return `webhook-id: ${id}\nwebhook-timestamp: ${timestamp}\nwebhook-signature: ${signature}\n`;
}

async function cli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "start":
      await start();
      return -1; // keeps running until Ctrl-C
    case "sign": {
      const [file] = rest;
      if (!file) {
        process.stderr.write("Usage: npm run -s redial -- sign <file.json>\n");
        return 2;
      }
      const secret =
        (process.env.REDIAL_WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET).split(/\s+/).find(Boolean) ??
        DEV_WEBHOOK_SECRET;
      try {
        process.stdout.write(signFile(file, secret));
      } catch (error) {
        process.stderr.write(`Cannot sign ${file}: ${(error as Error).message}\n`);
        return 1;
      }
      return 0;
    }
    case "export":
      return runExport(rest);
    case "import":
      return runImport(rest);
    case "check":
      return runCheck(rest);
    case "doctor":
      return runDoctor(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
}

const code = await cli(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
