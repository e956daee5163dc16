/**
 * A small client for end-to-end tests over HTTP against `npm start`'s runtime: signed CRM events, the
 * dev clock, the operator routes and the local SES inbox, exactly as CONTRACT.md describes them.
 */
import type { IngestResult, Prospect, QueueEntry, TimelineEntry } from "@redial/core";
import { webhookHeaders } from "@redial/functions";
import {
  DEV_API_TOKEN,
  DEV_WEBHOOK_SECRET,
  type Runtime,
  type RuntimeOptions,
  startRuntime,
} from "@redial/local";
import { parse } from "csv-parse/sync";
import { expect } from "vitest";

export interface InboxEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  headers?: { name: string; value: string }[];
  attachments?: { filename: string; contentType: string; content: string; size: number }[];
}

export interface QueueRow {
  prospectId: string;
  profile: Prospect["profile"];
  entry: QueueEntry;
}

/**
 * The local runtime on free ports, silent, with business time pinned at `pinned` (REDIAL_DEV_NOW):
 * a test that walks fixed dates then passes on any day it runs.
 */
export const startPinned = (pinned: string, options: RuntimeOptions = {}): Promise<Runtime> =>
  startRuntime({
    port: 0,
    dynamoPort: 0,
    sesPort: 0,
    env: { REDIAL_DEV_NOW: pinned },
    log: "silent",
    ...options,
  });

export class E2e {
  readonly runtime: Runtime;
  #delivery = 0;
  readonly #prefix: string;

  constructor(runtime: Runtime, prefix: string) {
    this.runtime = runtime;
    this.#prefix = prefix;
  }

  /** A CRM webhook, signed with the dev secret; expects it accepted (202) and returns the result. */
  async event(body: Record<string, unknown>): Promise<IngestResult> {
    const text = JSON.stringify(body);
    const id = `msg_${this.#prefix}_${++this.#delivery}`;
    const response = await fetch(`${this.runtime.url}/v1/events`, {
      method: "POST",
      headers: webhookHeaders({ id, body: text, secret: DEV_WEBHOOK_SECRET }),
      body: text,
    });
    expect(response.status, await response.clone().text()).toBe(202);
    return (await response.json()) as IngestResult;
  }

  /** Business time now (GET /_dev/clock). */
  async clockNow(): Promise<string> {
    const response = await fetch(`${this.runtime.url}/_dev/clock`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { now: string }).now;
  }

  /** Moves the dev clock (`{ to }` or `{ advance }`), running every timer and job on the way. */
  async clock(move: { to: string } | { advance: string }): Promise<string> {
    const response = await fetch(`${this.runtime.url}/_dev/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(move),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { now: string }).now;
  }

  async operator(path: string): Promise<Response> {
    return fetch(`${this.runtime.url}${path}`, { headers: { authorization: `Bearer ${DEV_API_TOKEN}` } });
  }

  /** Every entry of the call queue (all pages), for one owner or all. */
  async queue(query: { owner?: string; dueBefore?: string } = {}): Promise<QueueRow[]> {
    const rows: QueueRow[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ limit: "200", ...query, ...(cursor ? { cursor } : {}) });
      const response = await this.operator(`/v1/call-queue?${params}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: QueueRow[]; cursor: string | null };
      rows.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return rows;
  }

  async prospect(id: string): Promise<{ prospect: Prospect; timeline: TimelineEntry[] }> {
    const response = await this.operator(`/v1/prospects/${encodeURIComponent(id)}`);
    expect(response.status).toBe(200);
    return (await response.json()) as { prospect: Prospect; timeline: TimelineEntry[] };
  }

  /** Mail the local SES server holds for `address`, oldest first. */
  async inbox(address: string): Promise<InboxEmail[]> {
    const response = await fetch(`${this.runtime.sesUrl}/store`);
    const { emails } = (await response.json()) as { emails: InboxEmail[] };
    return emails.filter((email) => email.destination.to.includes(address));
  }
}

/** An attachment or response body parsed as RFC 4180 CSV with a header row. */
export function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
}

export const attachmentText = (file: { content: string }) =>
  Buffer.from(file.content, "base64").toString("utf8");
