/**
 * The invariant checker (issue 6) on a real table: a realistic scenario through `npm start`'s runtime
 * (signed webhooks, months of business time, emails out through the local SES) leaves zero
 * violations; then the table is corrupted by hand the ways a bug would (a timer deleted, a second
 * send for one timer, a send to a suppressed address, a receipt with no effect) and each one is
 * reported under its invariant, for its prospect only. `npx redial check` runs as a user runs it (a
 * child process) and exits 0 on the clean table, 1 on the corrupted one.
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { TimelineEntry } from "@redial/core";
import { checkTable, type Runtime } from "@redial/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReport, expectNoViolations } from "../support/check.ts";
import { runRedial } from "../support/cli.ts";
import { playbook } from "../support/core.ts";
import { E2e, startPinned } from "../support/e2e.ts";

let runtime: Runtime;
let api: E2e;

/** Business time starts here whatever today's date (REDIAL_DEV_NOW): every date below is after it. */
const PINNED = "2026-11-30T12:00:00Z";
const START = "2026-12-01T15:00:00Z";

beforeAll(async () => {
  runtime = await startPinned(PINNED);
  api = new E2e(runtime, "check");
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
}, 30_000);

const wendy = { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" };
const prospect = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  email: `${id.replace(/\W/g, "-")}@northwind.example`,
  firstName: "Dana",
  company: "Northwind",
  timezone: "America/Chicago",
  owner: wendy,
  ...extra,
});

const redialCheck = (...args: string[]) => runRedial("check", ...args);
const local = () => ["--endpoint", runtime.dynamoEndpoint, "--table", runtime.config.tableName];

const target = () => ({ endpoint: runtime.dynamoEndpoint });
const table = () => runtime.config.tableName;

/** Tue 1 Dec 2026, 09:00 Chicago: soft noes, a stall, a hostile no, a voicemail, an opt-out. */
async function scenario() {
  let now = await api.clock({ to: START });
  const no = (id: string, reason = "all_set") =>
    api.event({ type: "call.rejected", occurredAt: now, reason, prospect: prospect(id) });
  expect((await no("check:drip")).decision.rule).toBe("R2");
  expect((await no("check:optout")).decision.rule).toBe("R2");
  expect((await no("check:hostile", "hostile")).decision.rule).toBe("R4");
  const stall = await api.event({
    type: "call.stalled",
    occurredAt: now,
    callbackAt: "2027-06-15",
    prospect: prospect("check:stall"),
  });
  expect(stall.decision.rule).toBe("R6");
  await api.event({
    type: "call.no_answer",
    occurredAt: now,
    voicemail: true,
    prospect: prospect("check:vm"),
  });
  // The retry call comes due (R2 → the queue, same cycle); the rep's second "no" starts the drip (R3).
  now = await api.clock({ advance: "P4D" });
  expect((await no("check:drip")).decision.rule).toBe("R3");
  await api.event({ type: "prospect.opted_out", occurredAt: now, prospect: prospect("check:optout") });
  await api.clock({ advance: "P75D" });
}

const sentOf = (timeline: TimelineEntry[]) => timeline.filter((e) => e.type === "email.sent");

describe("npx redial check's checker on the local runtime's table", () => {
  it("a realistic scenario (drips sent, retries and the queue, an opt-out) leaves zero violations", async () => {
    await scenario();
    const drip = await api.prospect("check:drip");
    expect(drip.prospect.status).toBe("nurturing");
    expect(sentOf(drip.timeline)).toHaveLength(5); // the R2 note and nurture 1–4
    expect(sentOf((await api.prospect("check:stall")).timeline).length).toBeGreaterThan(0); // keep-warm

    const report = await expectNoViolations(table(), playbook, target());
    expect(report.prospects).toBe(5);
    expect(report.items).toBeGreaterThan(50);
    // Pages of 7 items over 3 segments read the same table the same way.
    const paged = await checkTable({ ...target(), tableName: table(), playbook, pageSize: 7, segments: 3 });
    expect(paged).toEqual(report);

    const cli = await redialCheck(...local());
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toMatch(/^Checked 5 prospects \(\d+ items\) in redial at http:\/\/\S+ in \d+\.\d s\n/);
    for (const id of ["I1", "I2", "I3", "I4", "I5", "I6", "I7"]) expect(cli.stdout).toContain(`${id}  ok  `);
    expect(cli.stdout).toMatch(/No violations\.\n$/);
    expect(cli.code).toBe(0);
  }, 120_000);

  it("corruptions are each reported under their invariant, for their prospect only", async () => {
    const { client } = runtime;
    const put = (Item: Record<string, unknown>) => client.send(new PutCommand({ TableName: table(), Item }));

    // I1: the hostile prospect's only timer (its recycle) deleted, item and all.
    const hostile = (await api.prospect("check:hostile")).prospect;
    const recycle = hostile.timers[0];
    expect(recycle?.kind).toBe("recycle");
    await client.send(
      new DeleteCommand({ TableName: table(), Key: { pk: "P#check:hostile", sk: `TIMER#${recycle?.id}` } }),
    );
    await put({ pk: "P#check:hostile", sk: "PROFILE", ...hostile, timers: [] });

    // I4: a second email.sent for the drip's first timer, with another MessageId.
    const drip = await api.prospect("check:drip");
    const first = sentOf(drip.timeline)[0] as TimelineEntry;
    const version = drip.prospect.version + 1;
    await put({
      pk: "P#check:drip",
      sk: `TL#${String(version).padStart(10, "0")}`,
      ...first,
      version,
      actions: first.actions.map((a) => ({ ...a, detail: "SES MessageId sent-twice" })),
    });
    await put({ pk: "P#check:drip", sk: "PROFILE", ...drip.prospect, version });

    // I2: the stalled prospect's address on the suppression list since before its first keep-warm email.
    const stall = await api.prospect("check:stall");
    const keepWarm = sentOf(stall.timeline)[0] as TimelineEntry;
    const since = new Date(Date.parse(keepWarm.at) - 86_400_000);
    await runtime.store.addSuppression(stall.prospect.profile.email ?? "", "operator", since);

    // I5: a receipt for an event whose prospect was never written.
    await put({
      pk: "WH#msg_lost",
      sk: "WH",
      webhookId: "msg_lost",
      prospectId: "check:ghost",
      result: { applied: true, state: "retrying", decision: { rule: "R2", actions: [] } },
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });

    const report = await checkReport(table(), playbook, target());
    const byProspect = new Map<string, Set<string>>();
    for (const v of report.violations)
      byProspect.set(v.prospectId ?? "", (byProspect.get(v.prospectId ?? "") ?? new Set()).add(v.invariant));
    expect(Object.fromEntries([...byProspect].map(([id, ids]) => [id, [...ids].sort()]))).toEqual({
      "check:hostile": ["I1"],
      // The duplicate is a third email within 7 days (I3), and within a business day of the first (I6).
      "check:drip": ["I3", "I4", "I6"],
      "check:stall": ["I2"],
      "check:ghost": ["I5"],
    });
    const messages = report.violations.map((v) => `${v.invariant} ${v.prospectId}: ${v.message}`).join("\n");
    expect(messages).toContain("I1 check:hostile: recycling needs exactly one pending recycle timer, has 0");
    expect(messages).toMatch(/I1 check:hostile: recycle timer \S+ \(planned by R4 at version 1\) .* lost/);
    expect(messages).toContain(`timer ${first.actions[0]?.timerId} was sent 2 times`);
    expect(messages).toMatch(
      /I2 check:stall: email of timer \S+ sent \S+ to check-stall@northwind\.example, suppressed since/,
    );
    expect(messages).toContain("I5 check:ghost: webhook msg_lost");
    expect(report.prospects).toBe(5);

    const text = await redialCheck(...local());
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("I1  2 violation(s)");
    expect(text.stdout).toContain(
      "    check:hostile: recycling needs exactly one pending recycle timer, has 0",
    );
    expect(text.stdout).toContain("I2  2 violation(s)"); // both keep-warm emails
    expect(text.stdout).toContain("I5  1 violation(s)");
    expect(text.stdout).toContain("I6  1 violation(s)");
    expect(text.stdout).toMatch(/\n9 violation\(s\)\.\n$/);

    const json = await redialCheck(...local(), "--json");
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as typeof report & { counts: Record<string, number> };
    expect(parsed.violations).toEqual(report.violations);
    expect(parsed.counts).toEqual({ I1: 2, I2: 2, I3: 1, I4: 2, I5: 1, I6: 1, I7: 0 });
  }, 120_000);

  it("exit code 2 when the arguments are wrong or the table cannot be read", async () => {
    const bad = await redialCheck("--segments", "zero");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--segments must be a whole number");
    const nowhere = await redialCheck("--endpoint", "http://127.0.0.1:9", "--table", "redial");
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("Cannot reach DynamoDB at http://127.0.0.1:9");
    const missing = await redialCheck("--endpoint", runtime.dynamoEndpoint, "--table", "no-such-table");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No table "no-such-table"');
  }, 60_000);
});
