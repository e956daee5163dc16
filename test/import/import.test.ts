/**
 * POST /v1/imports (issue 7) over DynamoDB Local: a file of past calls with 1 % invalid rows applies
 * exactly the valid ones and reports the invalid ones by line; a re-sent file changes nothing; each
 * row counts from its own occurredAt; a file refused as a whole writes nothing. IMPORT_TEST_ROWS sets
 * the size (2,000 by default; the 100,000 takes ~7 minutes here).
 */
import { afterAll, describe, expect, it } from "vitest";
import { expectNoViolations } from "../support/check.ts";
import { importHarness, type Report } from "./harness.ts";
import { IMPORT_NOW, importFile } from "./rows.ts";
import { scanTable } from "./table.ts";

const ROWS = Number(process.env.IMPORT_TEST_ROWS || 2_000);
const DAY_MS = 86_400_000;
/** DynamoDB Local applies a few hundred rows a second on two cores; generous, as a loaded machine is slower. */
const IMPORT_TIMEOUT_MS = 30_000 + ROWS * 40;

describe(`POST /v1/imports, ${ROWS.toLocaleString("en")} rows with 1 % invalid`, async () => {
  const h = await importHarness();
  const file = importFile(ROWS);
  afterAll(() => h.client.destroy());

  it("a dry run checks every row, reports the invalid ones by line, and writes nothing", async () => {
    const response = await h.post(file.text, { query: "dryRun=true" });
    expect(response.status).toBe(200);
    const report = (await response.json()) as Report;
    expect(report).toMatchObject({
      dryRun: true,
      rows: ROWS,
      valid: ROWS - file.invalidLines.length,
      applied: 0,
    });
    expect(report.invalid.map((r) => r.line)).toEqual(file.invalidLines);
    expect(h.writes()).toBe(0);
    expect(await scanTable(h.client, h.tableName)).toEqual([]);
  });

  it(
    "applies exactly the valid rows, each once, and reports every invalid row by line with its reason",
    async () => {
      const response = await h.post(file.text);
      expect(response.status).toBe(200);
      const report = (await response.json()) as Report;
      const valid = ROWS - file.invalidLines.length;
      expect(report.failed).toEqual([]);
      expect(report.invalid.map((r) => r.line)).toEqual(file.invalidLines);
      for (const { reason } of report.invalid) expect(reason).not.toBe("");
      expect(report.applied + report.recorded).toBe(valid);
      expect(report.duplicates).toBe(0);
      expect(Object.values(report.byRule).reduce((a, b) => a + b, 0)).toBe(valid);
      // Each applied row left its receipt (kept, no TTL) and its timeline entry: nothing lost, nothing twice.
      const items = await scanTable(h.client, h.tableName);
      const receipts = items.filter((i) => String(i.pk).startsWith("WH#import:"));
      expect(receipts).toHaveLength(valid);
      expect(receipts.every((r) => r.expiresAt === undefined && r.kept === true)).toBe(true);
      const events = items.filter((i) => String(i.sk).startsWith("TL#") && i.kind === "event");
      expect(events).toHaveLength(valid);
      await expectNoViolations(h.tableName, h.playbook);
    },
    IMPORT_TIMEOUT_MS,
  );

  it(
    "a re-sent file changes nothing: every valid row is a duplicate",
    async () => {
      const before = await scanTable(h.client, h.tableName);
      const writes = h.writes();
      const response = await h.post(file.text);
      const report = (await response.json()) as Report;
      expect(report).toMatchObject({ applied: 0, recorded: 0, duplicates: ROWS - file.invalidLines.length });
      expect(h.writes()).toBe(writes);
      expect(await scanTable(h.client, h.tableName)).toEqual(before);
    },
    IMPORT_TIMEOUT_MS,
  );
});

describe("each row counts from its own occurredAt", async () => {
  const h = await importHarness();
  afterAll(() => h.client.destroy());
  const hostile = (id: string, at: string) => `call.rejected,${at},hostile,${id},B`;
  const file = [
    "type,occurredAt,reason,prospect.id,prospect.tier",
    hostile("march", "2026-03-10T15:00:00Z"),
    hostile("october", "2026-10-01T15:00:00Z"),
  ].join("\n");

  it("R4: a hostile no from October recycles 180 days after October, one from March (overdue) at the next slot from now", async () => {
    const report = (await (await h.post(file)).json()) as Report;
    expect(report.byRule).toEqual({ R4: 2 });
    const recycleOf = async (id: string) => {
      const view = await h.store.getProspect(id);
      const recycle = view?.prospect.timers.find((t) => t.kind === "recycle");
      return Date.parse(recycle?.at ?? "");
    };
    const october = await recycleOf("october");
    expect(october - Date.parse("2026-10-01T15:00:00Z")).toBeGreaterThanOrEqual(180 * DAY_MS - DAY_MS);
    expect(october - Date.parse("2026-10-01T15:00:00Z")).toBeLessThan(184 * DAY_MS);
    const march = await recycleOf("march");
    expect(march).toBeGreaterThanOrEqual(IMPORT_NOW.getTime());
    expect(march - IMPORT_NOW.getTime()).toBeLessThan(4 * DAY_MS);
  });

  it("a newest-first export is applied oldest-first: the second soft no is R3, not a stale event", async () => {
    const rows = [
      "type,occurredAt,reason,prospect.id",
      "call.rejected,2026-11-02T15:00:00Z,all_set,twice",
      "call.rejected,2026-10-20T15:00:00Z,not_interested,twice",
    ].join("\n");
    const report = (await (await h.post(rows)).json()) as Report;
    expect(report.byRule).toEqual({ R2: 1, R3: 1 });
    expect((await h.store.getProspect("twice"))?.prospect.status).toBe("nurturing");
  });
});

describe("a file refused as a whole writes nothing", async () => {
  const h = await importHarness();
  afterAll(() => h.client.destroy());

  it.each([
    [
      "no token",
      { token: "wrong" },
      "type,occurredAt,prospect.id\ncall.rejected,2026-03-10T15:00:00Z,p1",
      401,
    ],
    ["JSON", { type: "application/json" }, "{}", 415],
    [
      "an unknown column",
      {},
      "type,occurredAt,prospect.id,shoe\ncall.rejected,2026-03-10T15:00:00Z,p1,42",
      422,
    ],
    ["no rows", {}, "type,occurredAt,prospect.id\n", 422],
    ["a bad header", {}, 'type,"occurredAt\ncall.rejected', 400],
    [
      "an unknown source",
      { query: "source=zoho" },
      "type,occurredAt,prospect.id\ncall.rejected,2026-03-10T15:00:00Z,p1",
      422,
    ],
  ])("%s", async (_name, options, body, status) => {
    const response = await h.post(body, options);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/problem\+json/);
    expect(h.writes()).toBe(0);
  });

  it("NDJSON with --source: ids get the CRM's prefix", async () => {
    const event = {
      type: "call.rejected",
      occurredAt: "2026-10-01T15:00:00Z",
      reason: "all_set",
      prospect: { id: "123" },
    };
    const response = await h.post(`${JSON.stringify(event)}\n`, {
      type: "application/x-ndjson",
      query: "source=hubspot",
    });
    expect(((await response.json()) as Report).applied).toBe(1);
    expect(await h.store.getProspect("hubspot:123")).not.toBeNull();
  });
});
