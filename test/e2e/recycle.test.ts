/**
 * Recycling into the call queue and the Monday export, end to end over HTTP against `npm start`'s
 * runtime (issue 4): rejections come in as signed webhooks, the dev clock moves months, the
 * prospects come back into the queue with their context (R12), and the Monday 07:00 export lands in
 * the local SES inbox with the CSV attached. One runtime, one clock that only moves forward, so the
 * scenarios run in date order.
 */
import { EXPORT_COLUMNS } from "@redial/core";
import { DEV_EXPORT_RECIPIENT, type Runtime } from "@redial/local";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playbook } from "../support/core.ts";
import { attachmentText, E2e, parseCsv, startPinned } from "../support/e2e.ts";

let runtime: Runtime;
let api: E2e;

/** Business time starts here whatever today's date (REDIAL_DEV_NOW): every date below is after it. */
const PINNED = "2026-11-30T12:00:00Z";
const FIRST_CALL = "2026-12-01T15:00:00Z"; // Tue 10:00 EST

beforeAll(async () => {
  runtime = await startPinned(PINNED);
  api = new E2e(runtime, "recycle");
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
}, 30_000);

const DAY_MS = 86_400_000;
const wendy = { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" };
const { askWhatWillChange, askRealPossibility } = playbook.prompts;

const prospect = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  email: `${id.replace(/\W/g, "-")}@northwind.example`,
  firstName: "Dana",
  company: "Northwind",
  timezone: "America/New_York",
  owner: wendy,
  ...extra,
});

const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
const queued = async (id: string) => (await api.queue()).find((row) => row.prospectId === id);

describe("stalls (R5–R7): the callback comes due a little early, with the right prompts", () => {
  it("with a reason: due before 15 May 2027 by the playbook's lead, no 'what will change' prompt (R5)", async () => {
    await api.clock({ to: FIRST_CALL });
    const withReason = await api.event({
      type: "call.stalled",
      occurredAt: "2026-12-01T15:00:00Z",
      callbackAt: "2027-05-15",
      callbackReason: "Budget approved in May",
      prospect: prospect("stall:reason"),
    });
    const without = await api.event({
      type: "call.stalled",
      occurredAt: "2026-12-01T15:00:00Z",
      callbackAt: "2027-05-15",
      prospect: prospect("stall:no-reason"),
    });
    expect(withReason.decision.rule).toBe("R5");
    expect(without.decision.rule).toBe("R6");

    // 165 days ahead: 10% is 16.5 days, clamped to 14 → Sat 1 May 2027 → the last call slot before
    // it in the morning (a bare date means the morning): Fri 30 April, 09:00 EDT.
    for (const result of [withReason, without]) {
      const callback = result.decision.actions.find((a) => a.purpose === "callback");
      expect(callback?.at && new Date(callback.at).toISOString()).toBe("2027-04-30T13:00:00.000Z");
      expect(callback?.half).toBe("morning");
    }

    await api.clock({ to: "2027-04-30T14:00:00Z" });
    const reasoned = await queued("stall:reason");
    const unreasoned = await queued("stall:no-reason");
    expect(reasoned?.entry).toMatchObject({
      reason: "callback",
      cycle: 2,
      suggestedHalf: "morning",
      prompts: [],
    });
    expect(reasoned?.entry.notes).toContain("Callback reason: Budget approved in May");
    expect(reasoned?.entry.lastOutcome).toMatchObject({
      type: "call.stalled",
      reason: "Budget approved in May",
    });
    expect(unreasoned?.entry).toMatchObject({ reason: "callback", prompts: [askWhatWillChange] });
    expect(Date.parse(reasoned?.entry.dueAt ?? "")).toBeLessThan(Date.parse("2027-05-15T00:00:00-04:00"));
  });

  it("the 3rd stall in a row asks whether there is a real possibility; the 4th stops pursuit (R7)", async () => {
    const id = "stall:streak";
    let now = await api.clock({ to: "2027-05-04T14:00:00Z" }); // Tue 10:00 EDT
    const rules: string[] = [];
    for (let stall = 1; stall <= 3; stall++) {
      const result = await api.event({
        type: "call.stalled",
        occurredAt: now,
        callbackAt: DateTime.fromISO(now).plus({ days: 21 }).toISODate(),
        prospect: prospect(id),
      });
      rules.push(result.decision.rule);
      const callback = result.decision.actions.find((a) => a.purpose === "callback");
      now = await api.clock({ to: plus(callback?.at ?? "", 3_600_000) });
      const entry = (await queued(id))?.entry;
      expect(entry?.prompts, `stall ${stall}`).toEqual(
        stall >= 3 ? [askWhatWillChange, askRealPossibility] : [askWhatWillChange],
      );
    }
    expect(rules).toEqual(["R6", "R6", "R7"]);

    const fourth = await api.event({
      type: "call.stalled",
      occurredAt: now,
      callbackAt: DateTime.fromISO(now).plus({ days: 21 }).toISODate(),
      prospect: prospect(id),
    });
    expect(fourth).toMatchObject({ state: "nurturing", decision: { rule: "R7" } });
    const recycle = fourth.decision.actions.find((a) => a.type === "recycle");
    expect(Date.parse(recycle?.at ?? "") - Date.parse(now)).toBeGreaterThanOrEqual(365 * DAY_MS);
    expect(await queued(id)).toBeUndefined(); // the rep's outcome closed the entry; no callback left
  });
});

describe("two soft noes → the tier's delay → back in the queue → in Monday's export (R3, R12)", () => {
  const start = "2027-07-08T14:00:00Z"; // Thu 10:00 EDT: a morning call, so the afternoon is suggested
  const amelie = prospect("recycle:b", {
    firstName: "Amélie",
    lastName: "李雷 🚀",
    company: "Northwind, Inc.",
    title: 'VP "Ops"',
    phone: "+1 312 555 0100",
    tier: "B",
  });
  const recycleAt: Record<string, string> = {};

  async function twoSoftNoes(fields: Record<string, unknown>, note?: string) {
    const first = await api.event({
      type: "call.rejected",
      occurredAt: start,
      reason: "all_set",
      prospect: fields,
    });
    const second = await api.event({
      type: "call.rejected",
      occurredAt: plus(start, 5 * 60_000),
      reason: "has_vendor",
      ...(note ? { note } : {}),
      prospect: fields,
    });
    expect([first.decision.rule, second.decision.rule]).toEqual(["R2", "R3"]);
    const recycle = second.decision.actions.find((a) => a.type === "recycle");
    recycleAt[String(fields.id)] = recycle?.at ?? "";
    return second;
  }

  it("tier A comes back after 120 days, B after 180, C after 270; opted-out and disqualified never", async () => {
    await api.clock({ to: plus(start, 5 * 60_000) });
    await twoSoftNoes(prospect("recycle:a", { tier: "A" }));
    await twoSoftNoes(amelie, "Using Acme until their contract ends.\nCall after the renewal.");
    await twoSoftNoes(prospect("recycle:c", { tier: "C" }));
    for (const id of ["recycle:opted-out", "recycle:disqualified", "recycle:late-opt-out"])
      await twoSoftNoes(prospect(id, { tier: "B" }));
    for (const [id, days] of [
      ["recycle:a", 120],
      ["recycle:b", 180],
      ["recycle:c", 270],
    ] as const) {
      const wait = Date.parse(recycleAt[id] ?? "") - Date.parse(start);
      expect(wait, id).toBeGreaterThanOrEqual(days * DAY_MS);
      expect(wait, id).toBeLessThan((days + 1) * DAY_MS);
    }
    // R0 and R1 a day later: every timer cancelled, never recycled.
    const tomorrow = await api.clock({ to: plus(start, DAY_MS) });
    await api.event({
      type: "prospect.opted_out",
      occurredAt: tomorrow,
      prospect: prospect("recycle:opted-out"),
    });
    await api.event({
      type: "prospect.disqualified",
      occurredAt: tomorrow,
      prospect: prospect("recycle:disqualified"),
    });

    await api.clock({ to: plus(start, 121 * DAY_MS) });
    expect(
      (await api.queue({ owner: "rep-7" }))
        .map((r) => r.prospectId)
        .filter((id) => id.startsWith("recycle:")),
    ).toEqual(["recycle:a"]);

    await api.clock({ to: plus(start, 181 * DAY_MS) });
    const queue = (await api.queue({ owner: "rep-7" })).map((r) => r.prospectId);
    expect(queue).toEqual(expect.arrayContaining(["recycle:a", "recycle:b", "recycle:late-opt-out"]));
    expect(queue).not.toContain("recycle:c");
    expect(queue).not.toContain("recycle:opted-out");
    expect(queue).not.toContain("recycle:disqualified");

    // Back in the queue with the context of the cycle that ended (R12).
    const b = await queued("recycle:b");
    expect(b?.entry).toMatchObject({
      reason: "recycle",
      cycle: 2,
      ownerId: "rep-7",
      suggestedHalf: "afternoon",
      lastOutcome: { type: "call.rejected", reason: "has_vendor" },
      prompts: [],
      notes: ["Using Acme until their contract ends.\nCall after the renewal."],
    });
    expect(b?.entry.touches).toBeGreaterThanOrEqual(2);
    const { prospect: stored } = await api.prospect("recycle:b");
    expect(stored).toMatchObject({ status: "queued", cycle: 2, counters: { softNos: 0, noAnswers: 0 } });
    expect(stored.timers.filter((t) => t.kind === "email")).toEqual([]); // the old drip stopped (G7)

    // Opts out after coming back: out of the queue, and out of Monday's list (R0).
    const now = await api.clock({ advance: "PT1H" });
    await api.event({
      type: "prospect.opted_out",
      occurredAt: now,
      prospect: prospect("recycle:late-opt-out"),
    });
    expect(await queued("recycle:late-opt-out")).toBeUndefined();

    await api.clock({ to: plus(start, 271 * DAY_MS) });
    expect(await queued("recycle:c")).toBeDefined();
    expect(await queued("recycle:opted-out")).toBeUndefined();
    expect(await queued("recycle:disqualified")).toBeUndefined();
  });

  it("the Monday 07:00 mail after B came back carries B's row, every column right, as parsed CSV", async () => {
    const entry = (await queued("recycle:b"))?.entry;
    if (!entry) throw new Error("recycle:b is not queued");
    const week = DateTime.fromISO(entry.enteredAt, { zone: "America/New_York" }).toFormat("kkkk-'W'WW");
    const mails = (await api.inbox(DEV_EXPORT_RECIPIENT)).filter((mail) => mail.subject.includes(week));
    expect(mails).toHaveLength(1); // once, however many times the loop passed that Monday
    const [mail] = mails;
    const teamFile = mail?.attachments?.find((file) => file.filename === `redial-recycled-${week}.csv`);
    const ownerFile = mail?.attachments?.find(
      (file) => file.filename === `redial-recycled-${week}-rep-7.csv`,
    );
    expect(teamFile?.contentType).toBe("text/csv");
    expect(ownerFile).toBeDefined();
    const text = attachmentText(teamFile ?? { content: "" });
    expect(text.split("\r\n")[0]).toBe(EXPORT_COLUMNS.join(","));

    const rows = parseCsv(text);
    const ids = rows.map((row) => row.prospect_id);
    expect(ids).toContain("recycle:b");
    for (const absent of ["recycle:opted-out", "recycle:disqualified", "recycle:late-opt-out"])
      expect(ids).not.toContain(absent);
    expect(rows.find((row) => row.prospect_id === "recycle:b")).toEqual({
      prospect_id: "recycle:b",
      owner_id: "rep-7",
      owner_email: "wendy@acme.example",
      first_name: "Amélie",
      last_name: "李雷 🚀",
      company: "Northwind, Inc.",
      title: 'VP "Ops"',
      email: "recycle-b@northwind.example",
      phone: "'+1 312 555 0100", // formula-looking: neutralised (CSV injection)
      timezone: "America/New_York",
      tier: "B",
      entered_queue_at: entry.enteredAt,
      due_at: entry.dueAt,
      suggested_window: `${entry.suggestedWindow.start}/${entry.suggestedWindow.end}`,
      last_outcome: "call.rejected",
      last_reason: "has_vendor",
      cycle: "2",
      touches: String(entry.touches),
      prompts: "",
      note: "Using Acme until their contract ends.\nCall after the renewal.",
    });
    // Sent at Monday 07:00 New York time, the week after B came back.
    const monday = DateTime.fromISO(entry.enteredAt, { zone: "America/New_York" })
      .plus({ weeks: 1 })
      .set({ weekday: 1, hour: 7, minute: 0, second: 0, millisecond: 0 });
    const onDemand = await api.operator(`/v1/exports/recycled?week=${week}&owner=rep-7`);
    expect(onDemand.status).toBe(200);
    expect(onDemand.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(parseCsv(await onDemand.text())).toEqual(parseCsv(attachmentText(ownerFile ?? { content: "" })));
    expect(monday.weekday).toBe(1);
    // The run that mailed the week went at that Monday 07:00 (a failed try is retried a minute later).
    const sent = runtime.loop.jobRuns.find(
      (run) => (run.result as { week?: string; result?: string } | undefined)?.week === week && !run.error,
    );
    expect(Date.parse(sent?.at ?? "") - monday.toMillis()).toBeGreaterThanOrEqual(0);
    expect(Date.parse(sent?.at ?? "") - monday.toMillis()).toBeLessThanOrEqual(5 * 60_000);
  });
});

describe("a call retry (R2) in the queue", () => {
  it("enters the rep's queue in the same cycle, and is not a lead that came back (not exported)", async () => {
    const id = "retry:r2";
    const start = await api.clock({ to: "2028-04-11T14:00:00Z" }); // Tue 10:00 EDT
    const first = await api.event({
      type: "call.rejected",
      occurredAt: start,
      reason: "no_budget",
      prospect: prospect(id),
    });
    const call = first.decision.actions.find((a) => a.type === "call");
    expect(call?.half).toBe("afternoon");

    await api.clock({ to: plus(call?.at ?? "", 60_000) });
    const entry = (await queued(id))?.entry;
    expect(entry).toMatchObject({
      reason: "retry",
      cycle: 1,
      suggestedHalf: "afternoon",
      lastOutcome: { reason: "no_budget" },
    });

    const week = DateTime.fromISO(entry?.enteredAt ?? "", { zone: "America/New_York" }).toFormat(
      "kkkk-'W'WW",
    );
    const csv = await (await api.operator(`/v1/exports/recycled?week=${week}`)).text();
    expect(parseCsv(csv).map((row) => row.prospect_id)).not.toContain(id);

    const second = await api.event({
      type: "call.rejected",
      occurredAt: await api.clock({ advance: "PT1H" }),
      reason: "all_set",
      prospect: prospect(id),
    });
    expect(second.decision.rule).toBe("R3"); // the retry did not reset the cycle's count
    expect(await queued(id)).toBeUndefined();
  });
});
