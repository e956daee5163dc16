/**
 * The email timer under faults: claim → send → record (ARCHITECTURE.md "At-most-once email") with the
 * real DynamoStore on DynamoDB Local and the real SesMailer on the SES v2 local server. Whatever fails,
 * waits or dies, and wherever: never two emails for one timer, never a timer lost. A claim left without
 * a MessageId is "unknown" and never re-sent; a throttled or over-quota SES defers the send (G3), which
 * then goes out once.
 */
import { type DueResult, runDueTimer, type Timer } from "@redial/core";
import { describe, expect, it } from "vitest";
import { reconcileDueTimers } from "../../packages/functions/src/timers/reconcile.ts";
import { awsError, Crash, Faults, randomFaults } from "../support/faults.ts";
import { MINUTE, nurturing, sesLocal, type World, world } from "./harness.ts";

const ses = sesLocal();

async function arrange() {
  const w = await world(ses.url());
  const timer = await nurturing(w);
  const key = { prospectId: w.id, timerId: timer.id, kind: "email" as const };
  /** The email timer as stored now, if still pending. */
  const pending = async (): Promise<Timer | undefined> =>
    (await w.read()).prospect.timers.find((t) => t.id === timer.id);
  /** SDK-level points on the DynamoDB and SES clients; returns what takes them off again. */
  const onClients = (faults: Faults) => {
    const off = [faults.client(w.client, "dynamodb"), faults.client(w.ses, "ses")];
    return () => {
      for (const detach of off) detach();
    };
  };
  return { w, timer, key, pending, onClients, sent: () => ses.inbox(w.email) };
}

/** The daily reconciliation, run when the timer is well past its grace period. */
async function reconcileLater(w: World, timer: Timer) {
  w.clock.set(new Date(Date.parse(timer.at) + 20 * MINUTE));
  return reconcileDueTimers(w.deps);
}

describe("one email timer fired five times at once", () => {
  it.each([1, 2])("sends one email (store calls jittered, seed %i)", async (seed) => {
    const { w, key, pending, sent } = await arrange();
    const faults = new Faults(randomFaults(seed, 0.5, { kinds: ["delay"], ms: 30, points: ["store.*"] }));
    const deps = faults.wrap(w.deps);

    const results = await Promise.all(Array.from({ length: 5 }, () => runDueTimer(key, deps)));

    expect(results.filter((r) => r.result === "sent")).toHaveLength(1);
    expect(results.every((r) => ["sent", "in_flight", "stale"].includes(r.result))).toBe(true);
    expect(await sent()).toHaveLength(1);
    expect((await w.read()).sends).toEqual(["email.sent"]);
    expect(await pending()).toBeUndefined();
  });
});

describe("a crash at each point of claim → send → record, then the retries", () => {
  // `now`: the runner's own retry a minute later; `later`: the daily reconciliation, 20 minutes on.
  const cases: {
    point: string;
    skip?: number;
    now: DueResult["result"];
    later: number;
    emails: number;
    sends: string[];
  }[] = [
    { point: "store.loadSend:after", now: "sent", later: 0, emails: 1, sends: ["email.sent"] },
    { point: "store.claimSend:before", now: "sent", later: 0, emails: 1, sends: ["email.sent"] },
    { point: "dynamodb.TransactWriteItems:before", now: "sent", later: 0, emails: 1, sends: ["email.sent"] },
    // Claimed, nothing sent: within minutes the claim may be a live send; later it is "unknown".
    {
      point: "dynamodb.TransactWriteItems:after",
      now: "in_flight",
      later: 1,
      emails: 0,
      sends: ["email.unknown"],
    },
    { point: "store.claimSend:after", now: "in_flight", later: 1, emails: 0, sends: ["email.unknown"] },
    { point: "mailer.send:before", now: "in_flight", later: 1, emails: 0, sends: ["email.unknown"] },
    { point: "ses.SendEmail:before", now: "in_flight", later: 1, emails: 0, sends: ["email.unknown"] },
    // Sent, not recorded: one email, recorded as "unknown", never sent again.
    { point: "ses.SendEmail:after", now: "in_flight", later: 1, emails: 1, sends: ["email.unknown"] },
    { point: "mailer.send:after", now: "in_flight", later: 1, emails: 1, sends: ["email.unknown"] },
    { point: "store.commit:before", now: "in_flight", later: 1, emails: 1, sends: ["email.unknown"] },
    {
      point: "dynamodb.TransactWriteItems:before",
      skip: 1,
      now: "in_flight",
      later: 1,
      emails: 1,
      sends: ["email.unknown"],
    },
    // Recorded: the retry finds the timer done.
    {
      point: "dynamodb.TransactWriteItems:after",
      skip: 1,
      now: "stale",
      later: 0,
      emails: 1,
      sends: ["email.sent"],
    },
    { point: "store.commit:after", now: "stale", later: 0, emails: 1, sends: ["email.sent"] },
  ];

  it.each(cases)("$point (skip $skip): retry $now, $emails email(s), $sends", async (c) => {
    const { w, timer, key, pending, onClients, sent } = await arrange();
    const faults = new Faults([{ point: c.point, kind: "crash", skip: c.skip ?? 0 }]);
    const detach = onClients(faults);

    await expect(faults.run(() => runDueTimer(key, faults.wrap(w.deps)))).rejects.toBeInstanceOf(Crash);
    expect(faults.crashed?.point).toBe(c.point);
    detach(); // the process is gone; the retries run in a new one

    w.clock.advance(MINUTE);
    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: c.now });
    const reconciled = await reconcileLater(w, timer);

    expect(reconciled.ran).toBe(c.later);
    expect(await sent()).toHaveLength(c.emails);
    expect((await w.read()).sends).toEqual(c.sends);
    expect(await pending()).toBeUndefined(); // done, or recorded as unknown: no timer left hanging
    expect(await runDueTimer(key, w.deps)).toEqual({ result: "stale" });
    expect(await sent()).toHaveLength(c.emails);
  });
});

describe("SES says no: throttled or over quota (deferred, never dropped, sent once)", () => {
  const refusals = [
    {
      name: "TooManyRequestsException",
      error: () => awsError("TooManyRequestsException", { status: 429 }),
      attempts: 3,
    },
    {
      name: "LimitExceededException (daily quota)",
      error: () => awsError("LimitExceededException", { message: "Daily message quota exceeded." }),
      attempts: 3,
    },
    // A quota error by its message only: not a throttling name, so the SDK does not retry it.
    {
      name: "a quota error known by its message",
      error: () => awsError("SomethingNew", { message: "Daily message quota exceeded." }),
      attempts: 1,
    },
  ];

  it.each(refusals)(
    "$name: the SDK tries $attempts time(s), the send is deferred, then goes out once",
    async (r) => {
      const { w, key, pending, onClients, sent } = await arrange();
      const faults = new Faults([
        { point: "ses.SendEmail:before", kind: "fail", times: r.attempts, error: r.error },
      ]);
      onClients(faults);

      expect(await runDueTimer(key, w.deps)).toEqual({ result: "deferred", detail: "email.deferred" });

      expect(faults.count("ses.SendEmail:before")).toBe(r.attempts);
      expect(await sent()).toHaveLength(0);
      expect((await w.store.loadSend(key)).claim).toBeNull(); // released with the deferral
      const moved = await pending();
      if (!moved) throw new Error("the deferred timer is gone");
      expect(Date.parse(moved.at)).toBeGreaterThan(w.clock.now().getTime());

      w.clock.set(moved.at);
      expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "sent" });
      expect(await runDueTimer(key, w.deps)).toEqual({ result: "stale" });

      expect(faults.count("ses.SendEmail:before")).toBe(r.attempts + 1);
      expect(await sent()).toHaveLength(1);
      expect((await w.read()).sends).toEqual(["email.deferred", "email.sent"]);
    },
  );

  it("a quota that lasts all day: each try is deferred again, one SDK round each, and the email goes out once", async () => {
    const { w, key, pending, onClients, sent } = await arrange();
    const quota = () => awsError("LimitExceededException", { message: "Daily message quota exceeded." });
    const faults = new Faults([{ point: "ses.SendEmail:before", kind: "fail", times: 9, error: quota }]);
    onClients(faults);

    for (let tries = 1; tries <= 3; tries++) {
      expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "deferred" });
      expect(faults.count("ses.SendEmail:before")).toBe(3 * tries);
      const moved = await pending();
      if (!moved) throw new Error("the deferred timer is gone");
      w.clock.set(moved.at);
    }
    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "sent" });

    expect(await sent()).toHaveLength(1);
    expect((await w.read()).sends).toEqual([
      "email.deferred",
      "email.deferred",
      "email.deferred",
      "email.sent",
    ]);
  });
});

describe("SES accepted the email but the answer was lost", () => {
  const lost = [
    { name: "HTTP 500", error: () => awsError("InternalFailure", { status: 500 }) },
    {
      name: "a reset connection",
      error: () => awsError("Error", { message: "socket hang up", code: "ECONNRESET" }),
    },
    { name: "a timeout", error: () => awsError("TimeoutError", { message: "Request timed out" }) },
  ];

  it.each(lost)("$name: one email, never a second from a retry; recorded as unknown", async (l) => {
    const { w, timer, key, onClients, sent } = await arrange();
    const faults = new Faults([{ point: "ses.SendEmail:after", kind: "fail", error: l.error }]);
    onClients(faults);

    await expect(runDueTimer(key, w.deps)).rejects.toThrow();

    expect(faults.count("ses.SendEmail:before")).toBe(1);
    expect(await sent()).toHaveLength(1);
    expect(await reconcileLater(w, timer)).toMatchObject({ ran: 1, results: { unknown: 1 } });
    expect(await sent()).toHaveLength(1);
    expect((await w.read()).sends).toEqual(["email.unknown"]);
  });

  it("a connection refused before anything reached SES is retried by the SDK, and sends once", async () => {
    const { w, key, onClients, sent } = await arrange();
    const refused = () => awsError("Error", { message: "connect ECONNREFUSED", code: "ECONNREFUSED" });
    const faults = new Faults([{ point: "ses.SendEmail:before", kind: "fail", error: refused }]);
    onClients(faults);

    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "sent" });

    expect(faults.count("ses.SendEmail:before")).toBe(2);
    expect(await sent()).toHaveLength(1);
  });
});

describe("DynamoDB throttles or conflicts on the email path", () => {
  const throttled = () => awsError("ProvisionedThroughputExceededException");

  it("throttled reads and claim attempts are retried by the SDK: one email", async () => {
    const { w, key, onClients, sent } = await arrange();
    const faults = new Faults([
      {
        point: "dynamodb.BatchGetItem:before",
        kind: "fail",
        times: 2,
        error: () => awsError("ThrottlingException"),
      },
      { point: "dynamodb.TransactWriteItems:before", kind: "fail", times: 2, error: throttled },
    ]);
    onClients(faults);

    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "sent" });

    expect(faults.count("dynamodb.BatchGetItem:before")).toBe(3);
    expect(faults.count("dynamodb.TransactWriteItems:before")).toBe(4); // the claim's 3 attempts, the record
    expect(await sent()).toHaveLength(1);
    expect((await w.read()).sends).toEqual(["email.sent"]);
  });

  it("a claim throttled past the SDK's 4 tries sends nothing and leaves the timer due: the retry sends once", async () => {
    const { w, key, pending, onClients, sent } = await arrange();
    const faults = new Faults([
      { point: "dynamodb.TransactWriteItems:before", kind: "fail", times: 4, error: throttled },
    ]);
    onClients(faults);

    await expect(runDueTimer(key, w.deps)).rejects.toMatchObject({
      name: "RedialError",
      kind: "unavailable",
    });
    expect(await sent()).toHaveLength(0);
    expect((await w.store.loadSend(key)).claim).toBeNull();
    expect(await pending()).toBeDefined();

    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "sent" });
    expect(await sent()).toHaveLength(1);
  });

  it("a record throttled past the SDK's 4 tries: the email went out once, and is recorded as unknown later", async () => {
    const { w, timer, key, onClients, sent } = await arrange();
    const faults = new Faults([
      { point: "dynamodb.TransactWriteItems:before", kind: "fail", skip: 1, times: 4, error: throttled },
    ]);
    onClients(faults);

    await expect(runDueTimer(key, w.deps)).rejects.toMatchObject({ kind: "unavailable" });
    expect(await sent()).toHaveLength(1);

    expect(await reconcileLater(w, timer)).toMatchObject({ ran: 1, results: { unknown: 1 } });
    expect(await sent()).toHaveLength(1);
    expect((await w.read()).sends).toEqual(["email.unknown"]);
  });

  it("a claim cancelled by a conflicting transaction is read again and sent once", async () => {
    const { w, key, onClients, sent } = await arrange();
    const conflict = () =>
      Object.assign(awsError("TransactionCanceledException"), {
        CancellationReasons: [
          { Code: "TransactionConflict" },
          { Code: "None" },
          { Code: "None" },
          { Code: "None" },
        ],
      });
    const faults = new Faults([
      { point: "dynamodb.TransactWriteItems:before", kind: "fail", error: conflict },
    ]);
    onClients(faults);

    expect(await runDueTimer(key, w.deps)).toMatchObject({ result: "sent" });

    expect(faults.count("store.claimSend:before")).toBe(0); // SDK-level only: the port was not wrapped
    expect(faults.count("dynamodb.TransactWriteItems:before")).toBe(3); // refused claim, claim, record
    expect(await sent()).toHaveLength(1);
  });

  it("a CRM event that lands between the read and the claim fails the claim's version check: read again, sent once", async () => {
    const { w, key, sent } = await arrange();
    const faults = new Faults([{ point: "store.claimSend:before", kind: "delay", ms: 300 }]);
    const running = runDueTimer(key, faults.wrap(w.deps));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const update = w.eventFor("prospect.updated", w.clock.now().toISOString(), {});
    const { ingest } = await import("@redial/core");
    await ingest({ webhookId: `${w.id}-update`, event: update }, w.deps);

    expect(await running).toMatchObject({ result: "sent" });

    expect(faults.count("store.claimSend:before")).toBe(2);
    expect(await sent()).toHaveLength(1);
  });
});
