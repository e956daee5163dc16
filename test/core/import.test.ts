/**
 * The import file, before anything is written (issue 7): records and lines, CSV fields, the header,
 * each row as its canonical event or an error naming its line, the order rows are applied in, and
 * the key that makes a re-run change nothing.
 */

import { IMPORT_COLUMNS, importKey, MAX_IMPORT_ROWS, planImport, RedialError } from "@redial/core";
import { describe, expect, it } from "vitest";
import { csvCells } from "../../packages/core/src/import/csv.ts";
import { readRow } from "../../packages/core/src/import/plan.ts";
import { recordSpans } from "../../packages/core/src/import/records.ts";

const NOW = new Date("2026-11-23T12:00:00Z");
const bytes = (text: string) => new TextEncoder().encode(text);
const HEADER = "type,occurredAt,reason,prospect.id,prospect.email,prospect.firstName";
const csv = (...rows: string[]) => bytes([HEADER, ...rows].join("\n"));
const plan = (text: Uint8Array, options: Partial<Parameters<typeof planImport>[1]> = {}) =>
  planImport(text, { format: "csv", now: NOW, ...options });
const eventAt = (file: Uint8Array, p: ReturnType<typeof plan>, index: number) => {
  const row = readRow(file, p.valid[index] as (typeof p.valid)[number], p.header, {
    format: "csv",
    now: NOW,
  });
  if (!row.ok) throw new Error(row.reason);
  return row.event;
};

describe("records", () => {
  it("splits on LF and CRLF, skips blank lines, and keeps each record's first line number", () => {
    const text = bytes('a,b\r\n\r\n"x\ny",z\n  \nlast');
    const spans = [...recordSpans(text, true)];
    expect(spans.map((s) => s.line)).toEqual([1, 3, 6]);
    expect(spans.map((s) => new TextDecoder().decode(text.subarray(s.start, s.end)))).toEqual([
      "a,b",
      '"x\ny",z',
      "last",
    ]);
  });

  it("in NDJSON a quote does not join lines", () => {
    expect([...recordSpans(bytes('{"a":"\n}\n'), false)].map((s) => s.line)).toEqual([1, 2]);
  });
});

describe("csvCells", () => {
  it("reads quoted commas, doubled quotes, line breaks and empty fields", () => {
    expect(csvCells('a,"b,c","say ""hi""","x\ny",,')).toEqual({
      ok: true,
      cells: ["a", "b,c", 'say "hi"', "x\ny", "", ""],
    });
  });

  it.each([
    ['a,"b', "Column 2: a quoted field is never closed"],
    ['a,"b"c', "Column 2: text after the closing quote"],
    ['a,b"c', "Column 2: a quote inside an unquoted field (quote the whole field)"],
  ])("refuses %s", (text, reason) => {
    expect(csvCells(text)).toEqual({ ok: false, reason });
  });
});

describe("planImport", () => {
  it("turns each row into its event and reports every invalid row by line, with the reason", () => {
    const file = csv(
      "call.rejected,2026-03-10T15:00:00Z,not_interested,p1,dana@example.com,Dana",
      "call.rejected,2026-03-10T15:00:00Z,sort_of,p2,,",
      "call.rejected,not a date,all_set,p3,,",
      "call.rejected,2026-03-11T15:00:00Z,all_set",
      "call.rejected,2027-03-11T15:00:00Z,all_set,p4,,",
      'prospect.opted_out,2026-03-12T09:00:00Z,,p5,"lee@example.com",Lee',
    );
    const result = plan(file);
    expect(result.rows).toBe(6);
    expect(result.valid.map((r) => r.line)).toEqual([2, 7]);
    expect(result.invalid.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(result.invalid[0]?.reason).toMatch(/^reason: Invalid option/);
    expect(result.invalid[1]?.reason).toMatch(/^occurredAt: /);
    expect(result.invalid[2]?.reason).toBe("3 fields; the header has 6");
    expect(result.invalid[3]?.reason).toMatch(/occurredAt is in the future/);
    expect(eventAt(file, result, 0)).toEqual({
      type: "call.rejected",
      occurredAt: "2026-03-10T15:00:00Z",
      reason: "not_interested",
      prospect: { id: "p1", email: "dana@example.com", firstName: "Dana" },
    });
  });

  it("takes a row whose zone no IANA database knows (G2 falls back and remarks); a zone over 64 characters is refused", () => {
    const file = bytes(
      [
        "type,occurredAt,reason,prospect.id,prospect.timezone,prospect.owner.id,prospect.owner.timezone",
        "call.rejected,2026-03-10T15:00:00Z,all_set,p1,Mars/Olympus,rep-1,Venus/Maxwell",
        `call.rejected,2026-03-10T15:00:00Z,all_set,p2,${"x".repeat(65)},,`,
      ].join("\n"),
    );
    const result = plan(file);
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(result.invalid.map((r) => r.line)).toEqual([3]);
    expect(result.invalid[0]?.reason).toMatch(/^prospect\.timezone: /);
    expect(eventAt(file, result, 0).prospect).toEqual({
      id: "p1",
      timezone: "Mars/Olympus",
      owner: { id: "rep-1", timezone: "Venus/Maxwell" },
    });
  });

  it("orders the valid rows by occurredAt, then by line: a CRM export newest-first is applied oldest-first", () => {
    const result = plan(
      csv(
        "call.rejected,2026-05-01T15:00:00Z,all_set,p1,,",
        "call.rejected,2026-04-01T15:00:00Z,all_set,p1,,",
        "call.rejected,2026-04-01T15:00:00Z,has_vendor,p2,,",
        "call.rejected,2026-03-01T15:00:00Z,all_set,p1,,",
      ),
    );
    expect(result.valid.map((r) => r.line)).toEqual([5, 3, 4, 2]);
  });

  it("reads NDJSON: one canonical event per line, as POST /v1/events takes it", () => {
    const event = {
      type: "call.stalled",
      occurredAt: "2026-06-01T10:00:00-04:00",
      callbackAt: "2026-09-01",
      prospect: { id: "p9", owner: { id: "rep-1" }, fitsProfile: true },
    };
    const file = bytes(`${JSON.stringify(event)}\n\n{"type":"call.rejected"\n[1]\n"\\ud800"\n`);
    const result = planImport(file, { format: "ndjson", now: NOW });
    expect(result.rows).toBe(4);
    expect(result.valid.map((r) => r.line)).toEqual([1]);
    expect(result.invalid.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(result.invalid[0]?.reason).toMatch(/^The line is not valid JSON/);
    expect(result.invalid[2]?.reason).toMatch(/lone UTF-16 surrogate/);
  });

  it("gives ids the CRM's prefix with --source, so that CRM's webhooks land on the same prospects", () => {
    const file = csv(
      "call.rejected,2026-03-10T15:00:00Z,all_set,123,,",
      "call.rejected,2026-03-11T15:00:00Z,all_set,hubspot:456,,",
    );
    const result = planImport(file, { format: "csv", now: NOW, source: "hubspot" });
    const ids = result.valid.map((span) => {
      const row = readRow(file, span, result.header, { format: "csv", now: NOW, source: "hubspot" });
      return row.ok ? row.event.prospect.id : row.reason;
    });
    expect(ids).toEqual(["hubspot:123", "hubspot:456"]);
    expect(result.digest).not.toBe(plan(file).digest); // another source, another checkpoint
  });

  it("takes booleans, owners and custom attributes as columns", () => {
    const file = bytes(
      [
        "type,occurredAt,voicemail,prospect.id,prospect.fitsProfile,prospect.owner.id,prospect.attributes.plan",
        "call.no_answer,2026-03-10T15:00:00Z,yes,p1,FALSE,rep-2,gold",
        "call.no_answer,2026-03-10T15:00:00Z,maybe,p1,,,",
      ].join("\r\n"),
    );
    const result = plan(file);
    expect(result.invalid).toEqual([
      { line: 3, reason: "voicemail: Invalid input: expected boolean, received string" },
    ]);
    const event = eventAt(file, result, 0);
    expect(event).toMatchObject({
      voicemail: true,
      prospect: { fitsProfile: false, owner: { id: "rep-2" }, attributes: { plan: "gold" } },
    });
  });

  it("refuses a row with an attribute named __proto__ or constructor by name; an opt-out row is taken without it (R0)", () => {
    const file = bytes(
      [
        "type,occurredAt,reason,prospect.id,prospect.attributes.__proto__,prospect.attributes.constructor,prospect.attributes.plan",
        "call.rejected,2026-03-10T15:00:00Z,all_set,p1,x,,gold",
        "call.rejected,2026-03-10T15:00:00Z,all_set,p2,,Acme,gold",
        "call.rejected,2026-03-11T15:00:00Z,do_not_contact,p3,x,Acme,gold",
        "call.rejected,2026-03-12T15:00:00Z,all_set,p4,,,gold",
      ].join("\n"),
    );
    const result = plan(file);

    expect(result.invalid.map((row) => row.line)).toEqual([2, 3]);
    expect(result.invalid[0]?.reason).toMatch(/^prospect\.attributes\.__proto__: A reserved name/);
    expect(result.invalid[1]?.reason).toMatch(/^prospect\.attributes\.constructor: A reserved name/);
    const span = result.valid[0] as (typeof result.valid)[number];
    const optOut = readRow(file, span, result.header, { format: "csv", now: NOW });
    expect(optOut).toMatchObject({
      ok: true,
      event: { prospect: { id: "p3", attributes: { plan: "gold" } } },
    });
    expect(optOut.ok && optOut.remarks?.join()).toMatch(
      /prospect\.attributes\.__proto__.*prospect\.attributes\.constructor/,
    );
    expect(Object.getPrototypeOf(eventAt(file, result, 0).prospect.attributes)).toBe(Object.prototype);
  });

  it.each([
    ["", "The file is empty: a CSV import starts with a header row"],
    ["type,occurredAt\n", "Line 1: Missing column: prospect.id"],
    ["type,occurredAt,prospect.id,prospect.shoe\n", 'Line 1: Unknown column "prospect.shoe"'],
    ["type,type,occurredAt,prospect.id\n", 'Line 1: Column "type" appears twice'],
    [`${HEADER}\n`, "The file has no rows"],
  ])("refuses the whole file %j before any row", (text, message) => {
    expect(() => plan(bytes(text))).toThrow(message);
  });

  it(`refuses more than ${MAX_IMPORT_ROWS.toLocaleString("en")} rows as a whole`, () => {
    const row = "\ncall.rejected,2026-03-10T15:00:00Z,all_set,p1,,";
    const error = (() => {
      try {
        plan(bytes(HEADER + row.repeat(MAX_IMPORT_ROWS + 1)));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RedialError);
    expect((error as RedialError).kind).toBe("too_large");
  });

  it("refuses a row that is not UTF-8, and skips a byte order mark before the header", () => {
    const good = bytes(`\uFEFF${HEADER}\ncall.rejected,2026-03-10T15:00:00Z,all_set,p1,,\n`);
    const bad = new Uint8Array([
      ...good,
      ...bytes("call.rejected,2026-03-10T15:00:00Z,all_set,p"),
      0xff,
      0x0a,
    ]);
    const result = plan(bad);
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(result.invalid).toEqual([{ line: 3, reason: "Not valid UTF-8" }]);
  });

  it("lists every event field as a column, from the schema", () => {
    expect(IMPORT_COLUMNS).toEqual(
      expect.arrayContaining([
        "type",
        "occurredAt",
        "reason",
        "callbackAt",
        "callbackReason",
        "voicemail",
        "note",
      ]),
    );
    expect(IMPORT_COLUMNS).toEqual(
      expect.arrayContaining(["prospect.email", "prospect.owner.email", "prospect.tier"]),
    );
  });
});

describe("importKey", () => {
  it("is the event's content: the same row in another column order has the same key, another row another", () => {
    const a = plan(csv("call.rejected,2026-03-10T15:00:00Z,all_set,p1,a@example.com,Ann"));
    const reordered = bytes(
      "prospect.firstName,prospect.email,prospect.id,reason,occurredAt,type\nAnn,a@example.com,p1,all_set,2026-03-10T15:00:00Z,call.rejected",
    );
    const b = plan(reordered);
    const key = (file: Uint8Array, p: typeof a) => importKey(eventAt(file, p, 0));
    const fileA = csv("call.rejected,2026-03-10T15:00:00Z,all_set,p1,a@example.com,Ann");
    expect(key(fileA, a)).toBe(key(reordered, b));
    const other = csv("call.rejected,2026-03-10T15:00:01Z,all_set,p1,a@example.com,Ann");
    expect(key(other, plan(other))).not.toBe(key(fileA, a));
    expect(key(fileA, a)).toMatch(/^import:[0-9a-f]{40}$/);
  });
});
