/**
 * The recycled-lead export against DynamoDB Local (issue 4): GET /v1/exports/recycled streams the
 * week's queue entries as RFC 4180 CSV, oldest first across the 16 shards, page by page; formula
 * cells are neutralised and Unicode survives a round trip through a CSV parser; the weekly job mails
 * each week once.
 */
import { EXPORT_COLUMNS, isoWeek, type Prospect, type Store } from "@redial/core";
import { createApp, createLog, loadPlaybook, runWeeklyExport } from "@redial/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { loggingTimers } from "../../packages/functions/src/timers.ts";
import { change, freshStore, idsInDistinctShards, prospectAt, queueEntry } from "../support/dynamo.ts";
import { parseCsv } from "../support/e2e.ts";
import { RecordingMailer } from "../support/send.ts";

const TOKEN = "test-api-token-0123456789";
const playbook = loadPlaybook(); // team zone America/New_York
const W48 = isoWeek("2026-W48", "America/New_York"); // Mon 23 Nov 05:00Z – Mon 30 Nov 05:00Z
const log = createLog({ test: true }, () => {});
let now = new Date("2026-11-30T12:00:00Z"); // Mon 07:00 EST, the Monday after W48
const clock = { now: () => now };

let store: Store;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  // Pages of 3: a handful of entries already crosses pages in a shard and in an owner's partition.
  ({ store } = await freshStore({ clock, exportPageSize: 3 }));
  app = createApp({
    store,
    timers: loggingTimers(log),
    clock,
    log,
    playbook,
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [`whsec_${Buffer.from("x".repeat(32)).toString("base64")}`], apiToken: TOKEN },
  });
});

/** Stores a prospect that entered the call queue at `enteredAt` (R12), as the timer runner does. */
async function entered(
  id: string,
  enteredAt: string,
  extra: { ownerId?: string; profile?: Partial<Prospect["profile"]> } = {},
) {
  const base = prospectAt(id, 1, { status: "queued", cycle: 2 });
  const prospect: Prospect = {
    ...base,
    profile: { ...base.profile, ...extra.profile },
    queue: { ...queueEntry(extra.ownerId ?? "rep-7", enteredAt), enteredAt, notes: ["first note", "second"] },
  };
  await store.commit(change(prospect, { queueEntered: true }));
}

const exportCsv = async (query: string) => {
  const response = await app.request(`/v1/exports/recycled?${query}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return { response, text: await response.text() };
};

describe("GET /v1/exports/recycled", () => {
  it("lists exactly the week's entries, oldest first across shards and pages, with a header row", async () => {
    const ids = idsInDistinctShards(8);
    const inside = [
      W48.start.toISOString(), // Monday 00:00 New York: in
      "2026-11-24T10:00:00.000Z",
      "2026-11-25T10:00:00.000Z",
      "2026-11-25T10:00:00.001Z",
      "2026-11-26T23:00:00.000Z",
      new Date(W48.end.getTime() - 1).toISOString(), // the last millisecond: in
    ];
    const outside = [new Date(W48.start.getTime() - 1).toISOString(), W48.end.toISOString()];
    // Stored in reverse so the order of the answer comes from the index, not from the writes.
    const all = [...inside, ...outside].map((at, i) => ({ id: ids[i] ?? "", at }));
    for (const { id, at } of [...all].reverse()) await entered(id, at);
    // Three more in one shard: that shard alone spans two pages of 3.
    for (const at of ["2026-11-27T10:00:00.000Z", "2026-11-27T11:00:00.000Z", "2026-11-27T12:00:00.000Z"])
      await entered(`${ids[0]}-${at.slice(11, 13)}`, at);

    const { response, text } = await exportCsv("week=2026-W48");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="redial-recycled-2026-W48.csv"',
    );
    expect(text.startsWith(`${EXPORT_COLUMNS.join(",")}\r\n`)).toBe(true);
    const rows = parseCsv(text);
    const times = rows.map((row) => row.entered_queue_at ?? "");
    expect(times).toEqual([...times].sort());
    expect(rows).toHaveLength(inside.length + 3);
    expect(new Set(times)).toEqual(
      new Set([
        ...inside,
        "2026-11-27T10:00:00.000Z",
        "2026-11-27T11:00:00.000Z",
        "2026-11-27T12:00:00.000Z",
      ]),
    );
  });

  it("one owner's rows with ?owner=, across pages of its partition", async () => {
    for (let i = 0; i < 7; i++)
      await entered(`p-${i}`, `2026-11-24T1${i}:00:00.000Z`, { ownerId: i % 2 ? "rep-9" : "rep-7" });
    const { text } = await exportCsv("week=2026-W48&owner=rep-9");
    const rows = parseCsv(text);
    expect(rows.map((row) => row.prospect_id)).toEqual(["p-1", "p-3", "p-5"]);
    expect(rows.every((row) => row.owner_id === "rep-9")).toBe(true);
  });

  it("defaults to the previous ISO week in the team's zone", async () => {
    await entered("p-last-week", "2026-11-24T10:00:00.000Z");
    await entered("p-this-week", "2026-11-30T10:00:00.000Z");
    const { text } = await exportCsv("");
    expect(parseCsv(text).map((row) => row.prospect_id)).toEqual(["p-last-week"]);
  });

  it("neutralises formula cells (CSV injection) and keeps Unicode, through a real CSV parser", async () => {
    const profile = {
      firstName: "Amélie",
      lastName: "李雷",
      company: '=HYPERLINK("http://evil.example","Click")',
      title: "+SUM(A1:A9)",
      phone: "-2+3",
      email: "@import@evil.example",
      attributes: {},
    };
    await entered('😀 Zoë, "quoted"\nline', "2026-11-24T10:00:00.000Z", { profile });
    const { text } = await exportCsv("week=2026-W48");
    const [row] = parseCsv(text);
    expect(row).toMatchObject({
      prospect_id: '😀 Zoë, "quoted"\nline',
      first_name: "Amélie",
      last_name: "李雷",
      company: `'=HYPERLINK("http://evil.example","Click")`,
      title: "'+SUM(A1:A9)",
      phone: "'-2+3",
      email: "'@import@evil.example",
      note: "first note\nsecond",
    });
    // Nothing in the file starts a cell with a formula character, quoted or not.
    for (const cell of Object.values(row ?? {})) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it("refuses a week that is not an ISO week, or does not exist, with a 422 problem", async () => {
    for (const week of ["2026-48", "2026-W60", "2027-W53", "W48"]) {
      const { response, text } = await exportCsv(`week=${week}`);
      expect(response.status, week).toBe(422);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      expect(JSON.parse(text).errors[0].path).toBe("week");
    }
    expect((await exportCsv("week=2026-W53")).response.status).toBe(200); // 2026 has 53 ISO weeks
    const anonymous = await app.request("/v1/exports/recycled?week=2026-W48");
    expect(anonymous.status).toBe(401);
  });

  it("an opt-out (R0) takes the prospect out of its cycle's export", async () => {
    await entered("p-stays", "2026-11-24T10:00:00.000Z");
    await entered("p-opts-out", "2026-11-24T11:00:00.000Z");
    const queued = await store.load({ prospectId: "p-opts-out" });
    const stopped = { ...(queued.prospect as Prospect), version: 2, status: "opted_out" as const };
    const { queue: _gone, ...unqueued } = stopped;
    await store.commit(change(unqueued));
    const { text } = await exportCsv("week=2026-W48");
    expect(parseCsv(text).map((row) => row.prospect_id)).toEqual(["p-stays"]);
  });
});

describe("the weekly export job", () => {
  const deps = (mailer: RecordingMailer) => ({
    store,
    mailer,
    clock,
    log,
    playbook,
    recipients: ["sales@acme.example", "lead@acme.example"],
    emailDomain: "acme.example",
    publicUrl: "https://redial.acme.example",
  });

  it("mails the previous week once, with the team's file and one per owner, to every recipient", async () => {
    await entered("p-1", "2026-11-24T10:00:00.000Z", { ownerId: "rep-7" });
    await entered("p-2", "2026-11-25T10:00:00.000Z", { ownerId: "rep-9" });
    const mailer = new RecordingMailer();
    const first = await runWeeklyExport(deps(mailer));
    expect(first).toMatchObject({
      result: "sent",
      week: "2026-W48",
      rows: 2,
      files: [
        "redial-recycled-2026-W48.csv",
        "redial-recycled-2026-W48-rep-7.csv",
        "redial-recycled-2026-W48-rep-9.csv",
      ],
    });
    expect(mailer.sent.map((mail) => mail.email.to)).toEqual(["sales@acme.example", "lead@acme.example"]);
    const team = mailer.sent[0]?.email.attachments?.[0]?.content ?? "";
    expect(parseCsv(team).map((row) => row.prospect_id)).toEqual(["p-1", "p-2"]);

    // The same Monday again (a retried or doubled trigger): nothing more goes out.
    expect(await runWeeklyExport(deps(mailer))).toEqual({
      result: "skipped",
      week: "2026-W48",
      reason: "already sent",
    });
    expect(mailer.sent).toHaveLength(2);
  });

  it("a send that fails gives the week back, so the retry sends it", async () => {
    const mailer = new RecordingMailer();
    mailer.failNext(new Error("SES is down"));
    await expect(runWeeklyExport(deps(mailer))).rejects.toThrow("SES is down");
    expect(await runWeeklyExport(deps(mailer))).toMatchObject({ result: "sent", week: "2026-W48", rows: 0 });
  });

  it("the Monday after: the next week", async () => {
    now = new Date("2026-12-07T12:00:00Z");
    try {
      expect(await runWeeklyExport(deps(new RecordingMailer()))).toMatchObject({
        result: "sent",
        week: "2026-W49",
      });
    } finally {
      now = new Date("2026-11-30T12:00:00Z");
    }
  });
});
