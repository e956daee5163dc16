/**
 * runEmailTimer() over the real DynamoStore on DynamoDB Local, with the default playbook and the real
 * templates: the at-most-once guarantee (ARCHITECTURE.md: claim → send → record MessageId; a claim left
 * without a MessageId is "unknown" and never re-sent) and the send-time guardrails G1, G2, G3, G5, R11.
 * Only the Mailer is faked (test/support/send.ts), so a crash can be placed exactly where it hurts.
 */
import { countRequests } from "@redial/aws";
import {
  composer,
  decide,
  type IngestDeps,
  ingest,
  type Prospect,
  parseTemplates,
  runEmailTimer,
  type SendDeps,
  type TemplateSet,
  type Timer,
  timelineEntry,
} from "@redial/core";
import { describe, expect, it } from "vitest";
import { loadPlaybook } from "../../packages/functions/src/playbook.ts";
import { loadTemplates } from "../../packages/functions/src/templates.ts";
import { event, softNo } from "../support/core.ts";
import { freshStore } from "../support/dynamo.ts";
import { beforeClaim, MovableClock, noTimers, RecordingMailer, silentLog } from "../support/send.ts";

const playbook = loadPlaybook();
const templates = loadTemplates();
const settings = {
  publicUrl: "http://localhost:3000",
  postalAddress: "Acme, 1 Main St",
  unsubscribeKey: "test-unsubscribe-key-123",
};
const PROSPECT = "p-1"; // support/core.ts's events: Dana at Northwind, New York, owned by rep-7
const EMAIL = "dana@northwind.example";
const DAY_MS = 86_400_000;

/**
 * A prospect arranged through ingest(): one soft no (R2: a note email and a call retry) or two (R3:
 * four nurture emails and a recycle), decided on Tuesday 2026-11-17 in New York. With an email timer,
 * the clock then stands at the first one's `at`.
 */
async function arrange(options: { softNoes?: 1 | 2; templates?: TemplateSet } = {}) {
  const clock = new MovableClock("2026-11-17T14:30:00Z");
  const { client, store } = await freshStore({ clock });
  const ingestDeps: IngestDeps = { store, timers: noTimers, clock, log: silentLog, playbook };
  await ingest({ webhookId: "wh-1", event: softNo("2026-11-16T15:00:00Z") }, ingestDeps);
  if ((options.softNoes ?? 2) === 2) {
    await ingest({ webhookId: "wh-2", event: softNo("2026-11-17T14:20:00Z") }, ingestDeps);
  }
  const stored = await store.getProspect(PROSPECT);
  if (!stored) throw new Error("the prospect was not stored");
  const emails = stored.prospect.timers.filter((t) => t.kind === "email");
  const [first] = emails;
  if (!first) throw new Error("no email timer planned");
  clock.set(first.at);

  const mailer = new RecordingMailer();
  const deps: SendDeps = {
    store,
    mailer,
    timers: noTimers,
    clock,
    log: silentLog,
    playbook,
    compose: composer(options.templates ?? templates, settings),
  };
  const key = { prospectId: PROSPECT, timerId: first.id };
  const run = (over: Partial<SendDeps> = {}) => runEmailTimer(key, { ...deps, ...over });

  /** The prospect as stored now, and the types of its email.* timeline entries, oldest first. */
  const read = async () => {
    const now = await store.getProspect(PROSPECT);
    if (!now) throw new Error("the prospect is gone");
    const sends = now.timeline.filter((entry) => entry.type.startsWith("email."));
    return { prospect: now.prospect, timeline: now.timeline, sends, types: sends.map((e) => e.type) };
  };
  const pending = (prospect: Prospect): Timer | undefined => prospect.timers.find((t) => t.id === first.id);

  return { client, store, clock, mailer, deps, ingestDeps, key, timer: first, emails, run, read, pending };
}

describe("the email runner is at most once (DynamoDB Local)", () => {
  it("sends one email for a timer run twice in a row; the second run is stale; ≤ 3 requests per email", async () => {
    const { client, store, mailer, key, timer, emails, run, read, pending } = await arrange();
    expect(emails).toHaveLength(4); // R3: the nurture drip
    expect(timer).toMatchObject({ sequence: "nurture", step: 1, template: "nurture-1" });
    const { touches } = (await read()).prospect.counters;
    const requests = countRequests(client);

    const first = await run();

    expect(first).toMatchObject({ result: "sent", timeline: "email.sent" });
    expect(requests.counts).toEqual({ BatchGetItem: 1, TransactWriteItems: 2 });
    expect(requests.total()).toBeLessThanOrEqual(3);
    expect(mailer.sent).toHaveLength(1);
    const [sent] = mailer.sent;
    expect(sent?.messageId).toBe(first.result === "sent" ? first.messageId : undefined);
    expect(sent?.email.to).toBe(EMAIL);
    expect(sent?.email.headers.map((h) => h.name)).toEqual(["List-Unsubscribe", "List-Unsubscribe-Post"]);
    expect(sent?.email.text).toContain("Acme, 1 Main St");
    const { claim } = await store.loadSend(key);
    expect(claim?.messageId).toBe(sent?.messageId);

    const second = await run();

    expect(second).toEqual({ result: "stale" });
    expect(mailer.sent).toHaveLength(1);
    const after = await read();
    expect(after.types).toEqual(["email.sent"]);
    expect(pending(after.prospect)).toBeUndefined();
    expect(after.prospect.recentEmails).toHaveLength(1);
    expect(after.prospect.counters.touches).toBe(touches + 1);
  });

  it("sends one email when the same timer runs 5 times at once", async () => {
    const { mailer, run, read, pending } = await arrange();

    const results = await Promise.all(Array.from({ length: 5 }, () => run()));

    expect(mailer.attempts).toBe(1);
    expect(mailer.sent).toHaveLength(1);
    expect(results.filter((r) => r.result === "sent")).toHaveLength(1);
    // The others found the claim or the timer gone: they leave the recording to the claimant.
    expect(
      results
        .filter((r) => r.result !== "sent")
        .every((r) => r.result === "in_flight" || r.result === "stale"),
    ).toBe(true);
    const after = await read();
    expect(after.types).toEqual(["email.sent"]);
    expect(pending(after.prospect)).toBeUndefined();
  });

  // Regression: a run that met a fresh claim used to record "email.unknown" and remove the timer, so the
  // claimant's record lost the version race and the MessageId (and the G3 counts) were never written.
  it("records email.sent and the MessageId when a second run meets the claim while the send is in flight", async () => {
    const { store, mailer, key, run, read } = await arrange();
    const hold = mailer.holdNext();

    const first = run();
    await hold.reached; // claimed, not yet sent
    const second = await run();
    hold.release();
    const firstResult = await first;

    expect(mailer.sent).toHaveLength(1);
    expect(second).toEqual({ result: "in_flight" });
    expect(firstResult).toMatchObject({ result: "sent" });
    expect((await read()).types).toEqual(["email.sent"]);
    expect((await store.loadSend(key)).claim?.messageId).toBe(mailer.sent[0]?.messageId);
  });

  // Regression: a CRM event while SES answered made the record's version guard fail, and the retry
  // re-read its own claim and recorded "email.unknown". Now the same outcome is applied to the new state.
  it("records email.sent when a CRM event lands on the prospect while the email is being sent", async () => {
    const { store, mailer, key, clock, ingestDeps, run, read } = await arrange();
    const hold = mailer.holdNext();

    const sending = run();
    await hold.reached;
    const update = event("prospect.updated", clock.now().toISOString(), {}, { title: "VP Operations" });
    await ingest({ webhookId: "wh-3", event: update }, ingestDeps);
    hold.release();
    const result = await sending;

    expect(mailer.sent).toHaveLength(1);
    expect(result).toMatchObject({ result: "sent" });
    const after = await read();
    expect(after.types).toEqual(["email.sent"]);
    expect(after.prospect.recentEmails).toHaveLength(1);
    expect((await store.loadSend(key)).claim?.messageId).toBe(mailer.sent[0]?.messageId);
  });

  // Regression: a throttled send's deferral (which releases its claim) used to lose a version race and
  // be recorded as "email.unknown": dropped for good, against G3's "deferred, never dropped".
  it("still defers a throttled send when a CRM event lands on the prospect during the attempt", async () => {
    const { store, mailer, key, clock, ingestDeps, run, read, pending } = await arrange();
    const hold = mailer.holdNext();
    mailer.throttleNext();

    const sending = run();
    await hold.reached;
    const update = event("prospect.updated", clock.now().toISOString(), {}, { title: "VP Operations" });
    await ingest({ webhookId: "wh-3", event: update }, ingestDeps);
    hold.release();
    const result = await sending;

    expect(mailer.sent).toHaveLength(0);
    expect(result).toEqual({ result: "deferred", timeline: "email.deferred" });
    const after = await read();
    expect(after.types).toEqual(["email.deferred"]);
    expect(pending(after.prospect)).toBeDefined();
    expect((await store.loadSend(key)).claim).toBeNull();
  });

  it("never re-sends after a crash between claim and send: a later run records email.unknown", async () => {
    const { store, mailer, key, clock, run, read, pending } = await arrange();
    mailer.failNext(new Error("the process died before calling SES"));

    await expect(run()).rejects.toThrow("the process died before calling SES");

    expect(mailer.sent).toHaveLength(0);
    const { claim } = await store.loadSend(key);
    expect(claim).not.toBeNull();
    expect(claim?.messageId).toBeUndefined();

    // Within minutes the claim may belong to a run still sending: leave it alone.
    expect(await run()).toEqual({ result: "in_flight" });
    // Past that, the claimant is gone (SES calls time out long before): record "unknown", never re-send.
    clock.advance(6 * 60_000);
    const next = await run();

    expect(next).toEqual({ result: "unknown", timeline: "email.unknown" });
    expect(mailer.attempts).toBe(1);
    expect(mailer.sent).toHaveLength(0);
    const after = await read();
    expect(after.sends).toMatchObject([{ type: "email.unknown", kind: "error", applied: false }]);
    expect(pending(after.prospect)).toBeUndefined();
    expect(await run()).toEqual({ result: "stale" });
    expect(mailer.attempts).toBe(1);
  });

  it("sends exactly one email after a crash between send and record: a later run records email.unknown", async () => {
    const { store, mailer, key, clock, run, read, pending } = await arrange();
    mailer.crashAfterSend();

    await expect(run()).rejects.toThrow("the process died after SES accepted the email");

    expect(mailer.sent).toHaveLength(1);
    expect((await store.loadSend(key)).claim?.messageId).toBeUndefined();

    // Within minutes the claim may belong to a run still sending: leave it alone.
    expect(await run()).toEqual({ result: "in_flight" });
    // Past that, the claimant is gone (SES calls time out long before): record "unknown", never re-send.
    clock.advance(6 * 60_000);
    const next = await run();

    expect(next).toEqual({ result: "unknown", timeline: "email.unknown" });
    expect(mailer.attempts).toBe(1);
    expect(mailer.sent).toHaveLength(1);
    const after = await read();
    expect(after.types).toEqual(["email.unknown"]);
    expect(pending(after.prospect)).toBeUndefined();
  });

  it("defers a throttled send, releases its claim, and sends it once at the new time", async () => {
    const { store, clock, mailer, key, run, read, pending } = await arrange();
    const now = clock.now();
    mailer.throttleNext();

    const throttled = await run();

    expect(throttled).toEqual({ result: "deferred", timeline: "email.deferred" });
    expect(mailer.sent).toHaveLength(0);
    expect((await store.loadSend(key)).claim).toBeNull();
    const deferred = await read();
    expect(deferred.sends).toMatchObject([{ type: "email.deferred", rule: "G3" }]);
    expect(deferred.sends[0]?.reason).toContain("provider busy");
    const moved = pending(deferred.prospect);
    if (!moved) throw new Error("the deferred timer is gone");
    expect(Date.parse(moved.at)).toBeGreaterThan(now.getTime());

    clock.set(moved.at);
    const retried = await run();

    expect(retried).toMatchObject({ result: "sent" });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.attempts).toBe(2);
    const after = await read();
    expect(after.types).toEqual(["email.deferred", "email.sent"]);
    expect(pending(after.prospect)).toBeUndefined();
  });
});

describe("the email runner's guardrails at send time (DynamoDB Local)", () => {
  it("sends nothing after an opt-out (R0) lands between planning and sending: the timer is stale", async () => {
    const { mailer, ingestDeps, clock, run, read } = await arrange();
    await ingest(
      { webhookId: "wh-3", event: event("prospect.opted_out", clock.now().toISOString()) },
      ingestDeps,
    );

    const result = await run();

    expect(result).toEqual({ result: "stale" });
    expect(mailer.attempts).toBe(0);
    const after = await read();
    expect(after.prospect.status).toBe("opted_out");
    expect(after.prospect.timers).toEqual([]);
    expect(after.types).toEqual([]);
  });

  it("sends nothing when the opt-out lands after the runner read the prospect, just before its claim", async () => {
    const { mailer, ingestDeps, clock, run, read } = await arrange();
    let landed = false;
    const { store } = ingestDeps;
    const racing = beforeClaim(store, async () => {
      if (landed) return;
      landed = true;
      await ingest(
        { webhookId: "wh-3", event: event("prospect.opted_out", clock.now().toISOString()) },
        ingestDeps,
      );
    });

    const result = await run({ store: racing });

    expect(landed).toBe(true);
    expect(result).toEqual({ result: "stale" }); // the claim lost on the version, the re-read found no timer
    expect(mailer.attempts).toBe(0);
    expect((await read()).prospect.status).toBe("opted_out");
  });

  it("drops the send when the address was suppressed in the table while the timer is pending (G1 in the claim)", async () => {
    const { store, mailer, key, run, read, pending } = await arrange();
    await store.addSuppression(EMAIL.toUpperCase(), "unsubscribed");

    const result = await run();

    expect(result).toEqual({ result: "dropped", timeline: "email.dropped" });
    expect(mailer.attempts).toBe(0);
    expect((await store.loadSend(key)).claim).toBeNull();
    const after = await read();
    expect(after.sends).toMatchObject([{ type: "email.dropped", rule: "G1", applied: false }]);
    expect(pending(after.prospect)).toBeUndefined();
  });

  it("defers a send outside the window (22:00 local) to the next window slot (G2), sending nothing", async () => {
    const { store, clock, mailer, key, timer, run, read, pending } = await arrange();
    expect(timer.at.slice(0, 10)).toBe("2026-11-17"); // a Tuesday in New York
    clock.set("2026-11-18T03:00:00Z"); // Tuesday 22:00 in New York

    const result = await run();

    expect(result).toEqual({ result: "deferred", timeline: "email.deferred" });
    expect(mailer.attempts).toBe(0);
    expect((await store.loadSend(key)).claim).toBeNull();
    const after = await read();
    expect(after.sends).toMatchObject([{ type: "email.deferred", rule: "G2" }]);
    // The nurture drip goes out in the preferred window: Wednesday 08:00 in New York.
    expect(pending(after.prospect)?.at).toBe("2026-11-18T13:00:00Z");
  });

  it("a deferred step moves the later steps of its drip so they keep their spacing (G9)", async () => {
    const { store, clock, emails, run, read } = await arrange();
    clock.set("2026-11-18T03:00:00Z"); // Tuesday 22:00 in New York: deferred to Wednesday, 1 business day late

    await run();

    const after = await read();
    const pendingEmails = after.prospect.timers.filter((t) => t.kind === "email");
    const [, second] = emails;
    const moved = pendingEmails.find((t) => t.id === second?.id);
    expect(second?.at).toBe("2026-12-01T13:00:00Z"); // nurture-2 was planned for Tue 1 Dec 08:00
    expect(moved?.at).toBe("2026-12-02T13:00:00Z"); // one business day later, as nurture-1 now is
    expect(after.sends.at(-1)?.reason).toMatch(
      /later steps keep their spacing \(G9\): nurture-2 → 2026-12-02/,
    );
    // The due index (TIMER# items) moved too: the runner finds nurture-2 at its new time.
    const due = await store.listDueTimers(new Date("2026-12-31T00:00:00Z"), 10);
    expect(due.find((d) => d.timer.id === second?.id)?.timer.at).toBe("2026-12-02T13:00:00Z");
  });

  it("defers a send over the per-prospect cap (2 emails in 7 days) to when the cap frees up (G3)", async () => {
    const { store, clock, mailer, run, read, pending } = await arrange();
    const now = clock.now();
    const { prospect, timeline } = await read();
    const recentEmails = [new Date(now.getTime() - 2 * DAY_MS), new Date(now.getTime() - DAY_MS)].map((d) =>
      d.toISOString(),
    );
    const capped: Prospect = { ...prospect, version: prospect.version + 1, recentEmails };
    const last = timeline.at(-1);
    if (!last) throw new Error("no timeline");
    await store.commit({
      expectedVersion: prospect.version,
      prospect: capped,
      timeline: { ...last, at: now.toISOString(), type: "test.two_emails_sent", version: capped.version },
      timersAdded: [],
      timersRemoved: [],
      suppress: [],
      now,
    });

    const result = await run();

    expect(result).toEqual({ result: "deferred", timeline: "email.deferred" });
    expect(mailer.attempts).toBe(0);
    const after = await read();
    expect(after.sends).toMatchObject([{ type: "email.deferred", rule: "G3" }]);
    // The older send leaves the 7 days on Sunday: the next preferred slot is Tuesday 08:00 in New York.
    expect(pending(after.prospect)?.at).toBe("2026-11-24T13:00:00Z");
  });

  it("holds a send whose template needs a variable the prospect lacks, naming it (G5)", async () => {
    const custom = parseTemplates({
      "nurture-1": "---\nsubject: 'A note for you'\n---\nHow are things in {{ prospect.industry }}?\n",
    });
    const { store, clock, mailer, key, run, read, pending } = await arrange({ templates: custom });
    const now = clock.now();

    const result = await run();

    expect(result).toEqual({ result: "held", timeline: "email.held" });
    expect(mailer.attempts).toBe(0);
    expect((await store.loadSend(key)).claim).toBeNull();
    const after = await read();
    expect(after.sends).toMatchObject([{ type: "email.held", kind: "error", rule: "G5", applied: false }]);
    expect(after.sends[0]?.reason).toContain("prospect.industry");
    const held = pending(after.prospect);
    expect(held && Date.parse(held.at)).toBeGreaterThan(now.getTime());
  });

  it("stops the drip on a hard bounce (R11) but keeps the call, and the old email timer is stale", async () => {
    const { store, clock, mailer, timer, run, read } = await arrange({ softNoes: 1 });
    const before = await read();
    const call = before.prospect.timers.find((t) => t.kind === "call");
    expect(timer).toMatchObject({ kind: "email", sequence: "bad-time-note" });
    expect(call).toBeDefined();
    const now = clock.now();

    const decision = decide(
      before.prospect,
      { type: "email.bounced", occurredAt: now.toISOString(), email: EMAIL },
      playbook,
      now,
    );
    await store.commit({
      expectedVersion: before.prospect.version,
      prospect: decision.next,
      timeline: timelineEntry(decision, { at: now, type: "email.bounced" }),
      timersAdded: decision.timersAdded,
      timersRemoved: decision.timersRemoved,
      suppress: decision.suppress,
      now,
    });

    const after = await read();
    expect(after.prospect.timers.filter((t) => t.kind === "email")).toEqual([]);
    expect(after.prospect.timers).toEqual([call]);
    expect(after.prospect.emailInvalid).toBe(true);
    expect((await store.load({ prospectId: PROSPECT, email: EMAIL })).suppressed).toBe(true);
    expect(await run()).toEqual({ result: "stale" });
    expect(mailer.attempts).toBe(0);
  });
});
