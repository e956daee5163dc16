/**
 * Notifying the CRM (issue 4), the pure side: R12 plans a `notify` timer only when asked, the timer
 * carries a stable webhook id and a snapshot of the body, no rule cancels it, it bounds no drip (G7),
 * and each failed attempt is retried on NOTIFY_RETRY_DELAYS_MS until the 6th dead-letters it.
 */
import {
  afterDelivery,
  deliveryOf,
  NOTIFY_MAX_ATTEMPTS,
  NOTIFY_RETRY_DELAYS_MS,
  type Prospect,
  planNotice,
  retryDelayMs,
  sendVerdict,
  type Timer,
  webhookBody,
} from "@redial/core";
import { describe, expect, it } from "vitest";
import { chain, event, fire, only, playbook, softNo } from "../support/core.ts";

const MON_10AM = "2026-11-16T10:00:00-05:00";
const MIN = 60_000;

/** R4 (hostile), then its recycle comes due: R12 with the notice planned as the runner plans it. */
function recycledWithNotice() {
  const { timer, decision } = fire(
    chain([event("call.rejected", MON_10AM, { reason: "hostile" })]).state,
    "recycle",
  );
  const now = new Date(timer.at);
  return { now, plain: decision, d: planNotice(decision, now) };
}

const noticeOf = (prospect: Prospect): Timer => only(prospect.timers.filter((t) => t.kind === "notify"));

describe("planning a CRM notice when a prospect enters the call queue (R12)", () => {
  it("a recycle: one notify timer due now, in timersAdded and on the prospect, never an action", () => {
    const { d, plain, now } = recycledWithNotice();
    const timer = noticeOf(d.next);
    expect(timer).toMatchObject({ kind: "notify", rule: "R12", cycle: 2 });
    expect(Date.parse(timer.at)).toBe(now.getTime());
    expect(timer.id).toBe(`${d.next.version}.1`);
    expect(d.timersAdded).toEqual([timer]);
    expect(timer.notice).toMatchObject({
      type: "prospect.recycled",
      attempt: 1,
      data: { prospectId: "p-1", ownerId: "rep-7", entry: d.next.queue, profile: d.next.profile },
    });
    // CONTRACT.md's five action types: the notice is not one of them.
    expect(d.actions).toEqual(plain.actions);
    expect(d.rule).toBe("R12");
    expect(d.next.status).toBe("queued");
  });

  it("a callback gives callback.due", () => {
    const stalled = chain([
      event("call.stalled", MON_10AM, { callbackAt: "2027-01-20", callbackReason: "Budget in Q1" }),
    ]);
    const { timer, decision } = fire(stalled.state, "callback");
    const notice = noticeOf(planNotice(decision, new Date(timer.at)).next).notice;
    expect(notice?.type).toBe("callback.due");
  });

  it("the webhook id is printable, stable for one queue entry, and differs per cycle and prospect", () => {
    const a = noticeOf(recycledWithNotice().d.next).notice;
    const b = noticeOf(recycledWithNotice().d.next).notice;
    expect(a?.webhookId).toMatch(/^rdl_[A-Za-z0-9_-]{32}$/);
    expect(a?.webhookId).toBe(b?.webhookId);
    const other = fire(
      chain([event("call.rejected", MON_10AM, { reason: "hostile" }, { id: "hubspot:1" })]).state,
      "recycle",
    );
    const c = noticeOf(planNotice(other.decision, new Date(other.timer.at)).next).notice;
    expect(c?.webhookId).not.toBe(a?.webhookId);
  });

  it("anything but an applied R12 comes back unchanged", () => {
    const r2 = chain([softNo(MON_10AM)]).last;
    expect(planNotice(r2, new Date(MON_10AM))).toBe(r2);
    const { state } = chain([event("call.rejected", MON_10AM, { reason: "hostile" })]);
    const stale = fire(state, "recycle");
    const gone = { ...state, timers: [] };
    const unapplied = fire(
      { ...gone, timers: [{ ...stale.timer, kind: "email" as const }] },
      "email",
    ).decision;
    expect(planNotice(unapplied, new Date())).toBe(unapplied);
  });
});

describe("a pending notice is a fact, not a plan", () => {
  /** Queued, with the notice's first try failed: it waits for its retry. */
  const queuedWithRetry = () => {
    const { d, now } = recycledWithNotice();
    const failed = afterDelivery(d.next, noticeOf(d.next), { ok: false, error: "HTTP 503" }, now);
    return failed.next;
  };

  it("no rule cancels it: the rep's next outcome (R2) keeps it and names it in no cancel action", () => {
    const start = queuedWithRetry();
    const pending = noticeOf(start);
    const r2 = chain([softNo("2027-08-16T10:05:00-04:00")], { start, now: "2027-08-16T14:06:00Z" }).last;
    expect(r2.rule).toBe("R2");
    expect(noticeOf(r2.next)).toEqual(pending);
    expect(r2.timersRemoved).not.toContainEqual(pending);
    for (const action of r2.actions) expect(action.timerIds ?? []).not.toContain(pending.id);
    // Even an opt-out (R0, cancel all) leaves it: the prospect did enter the queue.
    const r0 = chain([event("prospect.opted_out", "2027-08-16T10:05:00-04:00")], { start }).last;
    expect(noticeOf(r0.next)).toEqual(pending);
  });

  it("G7: a notice due before the drip bounds nothing (R3's nurture keeps its four emails)", () => {
    const start = queuedWithRetry();
    const r3 = chain([softNo("2027-08-16T10:05:00-04:00"), softNo("2027-08-17T10:05:00-04:00")], {
      start,
      now: "2027-08-17T14:06:00Z",
    }).last;
    expect(r3.rule).toBe("R3");
    expect(r3.next.timers.filter((t) => t.sequence === "nurture")).toHaveLength(4);
    expect(r3.remarks.join(" ")).not.toContain("G7");
  });

  it("G7 at send time: a past-due notice does not stop an email", () => {
    const start = queuedWithRetry();
    const r3 = chain([softNo("2027-08-16T10:05:00-04:00"), softNo("2027-08-17T10:05:00-04:00")], {
      start,
      now: "2027-08-17T14:06:00Z",
    }).last;
    const email = r3.next.timers.find((t) => t.kind === "email");
    if (!email) throw new Error("no email planned");
    const verdict = sendVerdict(r3.next, email, playbook, new Date(email.at));
    expect(verdict.kind).not.toBe("drop");
  });

  it("R13: a new time zone moves the call timers, never the notice", () => {
    const start = queuedWithRetry();
    const pending = noticeOf(start);
    const r13 = chain(
      [event("prospect.updated", "2027-08-16T10:05:00-04:00", {}, { timezone: "Asia/Kolkata" })],
      { start, now: "2027-08-16T14:06:00Z" },
    ).last;
    expect(r13.rule).toBe("R13");
    expect(noticeOf(r13.next)).toEqual(pending);
  });
});

describe("delivery attempts: backoff, then dead letter", () => {
  it("six attempts in all, waiting 1 min, 5 min, 30 min, 2 h, 8 h between them", () => {
    expect(NOTIFY_MAX_ATTEMPTS).toBe(6);
    expect(NOTIFY_RETRY_DELAYS_MS).toEqual([MIN, 5 * MIN, 30 * MIN, 120 * MIN, 480 * MIN]);
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([...NOTIFY_RETRY_DELAYS_MS, null]);
  });

  it("a success removes the timer and says so on the timeline", () => {
    const { d, now } = recycledWithNotice();
    const timer = noticeOf(d.next);
    const change = afterDelivery(d.next, timer, { ok: true }, now);
    expect(change.outcome).toBe("delivered");
    expect(change.next.timers.filter((t) => t.kind === "notify")).toEqual([]);
    expect(change.next.version).toBe(d.next.version + 1);
    expect(change.timersRemoved).toEqual([timer]);
    expect(change.timersAdded).toEqual([]);
    expect(change.timeline).toMatchObject({
      type: "webhook.delivered",
      kind: "decision",
      applied: true,
      rule: "R12",
      webhookId: timer.notice?.webhookId,
      version: d.next.version + 1,
      status: "queued",
    });
  });

  it("each failure plans the next attempt at its backoff with the same id and body; the 6th dead-letters", () => {
    const { d, now } = recycledWithNotice();
    const first = noticeOf(d.next);
    let prospect = d.next;
    let at = now.getTime();
    const waits: number[] = [];
    const types: string[] = [];
    for (let attempt = 1; attempt <= NOTIFY_MAX_ATTEMPTS; attempt++) {
      const timer = noticeOf(prospect);
      expect(timer.notice?.attempt).toBe(attempt);
      expect(timer.notice?.webhookId).toBe(first.notice?.webhookId);
      expect(deliveryOf(timer.notice as NonNullable<Timer["notice"]>)).toEqual(
        deliveryOf(first.notice as NonNullable<Timer["notice"]>),
      );
      const change = afterDelivery(prospect, timer, { ok: false, error: "HTTP 500" }, new Date(at));
      types.push(change.timeline.type);
      prospect = change.next;
      if (change.retryAt) {
        waits.push(Date.parse(change.retryAt) - at);
        at = Date.parse(change.retryAt);
      }
      if (attempt === NOTIFY_MAX_ATTEMPTS) {
        expect(change.outcome).toBe("dead_lettered");
        expect(change.timersAdded).toEqual([]);
        expect(change.timeline).toMatchObject({ kind: "error", applied: false });
        expect(change.timeline.reason).toContain("HTTP 500");
        // The whole body, so an operator can replay it.
        const body = webhookBody(deliveryOf(first.notice as NonNullable<Timer["notice"]>));
        expect(JSON.parse(change.timeline.note ?? "")).toEqual(body);
      } else {
        expect(change.timeline.reason).toContain(`next attempt at ${change.retryAt}`);
      }
    }
    expect(waits).toEqual([...NOTIFY_RETRY_DELAYS_MS]);
    expect(types).toEqual([...Array(5).fill("webhook.failed"), "webhook.dead_lettered"]);
    expect(prospect.timers.filter((t) => t.kind === "notify")).toEqual([]);
  });

  it("the body is { type, timestamp, data }, timestamped when the prospect entered the queue", () => {
    const { d } = recycledWithNotice();
    const notice = noticeOf(d.next).notice;
    if (!notice) throw new Error("no notice");
    expect(webhookBody(deliveryOf(notice))).toEqual({
      type: "prospect.recycled",
      timestamp: d.next.queue?.enteredAt,
      data: { prospectId: "p-1", ownerId: "rep-7", profile: d.next.profile, entry: d.next.queue },
    });
  });
});
