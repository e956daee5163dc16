/**
 * `npm start`'s runtime, driven only over HTTP as a CRM, a rep and a developer would: the example
 * webhooks of CONTRACT.md signed with the dev secret, the operator API with the dev token, and the
 * dev clock moved months ahead so a recycle (R4 → R12) lands in the call queue.
 */
import { webhookHeaders } from "@redial/functions";
import { DEV_API_TOKEN, DEV_WEBHOOK_SECRET, type Runtime, startRuntime } from "@redial/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExamples } from "../support/examples.ts";

interface Example {
  file: string;
  body: string;
  prospectId: string;
  occurredAt: string;
  rule: string;
}

const examples: Example[] = loadExamples()
  .map(({ file, body, json, rule }) => ({
    file,
    body,
    rule,
    prospectId: json.prospect.id,
    occurredAt: json.occurredAt,
  }))
  // The dev clock refuses to move back, so events go in the order they happened.
  .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));

let runtime: Runtime;

const http = async (path: string, init: RequestInit & { token?: boolean } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${DEV_API_TOKEN}`);
  const response = await fetch(`${runtime.url}${path}`, { ...init, headers });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    json: text ? JSON.parse(text) : null,
  };
};

const moveClock = (move: { to: string } | { advance: string }) =>
  http("/_dev/clock", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(move),
  });

/** Signed with the dev secret at the wall clock's now, as a CRM would (the dev clock is business time only). */
const deliver = (body: string, webhookId: string) => {
  return http("/v1/events", {
    method: "POST",
    body,
    headers: webhookHeaders({ id: webhookId, body, secret: DEV_WEBHOOK_SECRET }),
  });
};

beforeAll(async () => {
  // env: {} so a developer's REDIAL_* variables cannot change what is tested: the dev defaults are.
  runtime = await startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: {}, log: "silent" });
}, 120_000);

afterAll(async () => {
  if (!runtime) return;
  await runtime.stop();
  // No orphan JVM: signal 0 only checks that the pid exists.
  expect(() => process.kill(runtime.dynamoPid, 0)).toThrow();
}, 30_000);

describe("the local runtime over HTTP", () => {
  it("finds the six example events", () => {
    expect(examples.map((e) => e.rule).sort()).toEqual(["R0", "R1", "R2", "R4", "R5", "R8"]);
  });

  it("answers GET /health and GET /_dev/clock, and the SES inbox answers GET /store", async () => {
    expect(await http("/health")).toMatchObject({ status: 200, json: { status: "ok" } });
    const clock = await http("/_dev/clock");
    expect(clock.status).toBe(200);
    expect(Math.abs(Date.parse(clock.json.now) - Date.now())).toBeLessThan(60_000);
    const inbox = await fetch(`${runtime.sesUrl}/store`);
    expect(inbox.status).toBe(200);
    expect(await inbox.json()).toMatchObject({ emails: [] });
  });

  it("refuses to move the clock back, with a 422 problem", async () => {
    const moved = await moveClock({ to: "2020-01-01T00:00:00Z" });
    expect(moved.status).toBe(422);
    expect(moved.type).toContain("application/problem+json");
    expect(moved.json.errors).toEqual([expect.objectContaining({ path: "to" })]);
  });

  for (const example of examples) {
    it(`${example.file}: 202 with ${example.rule}, on the timeline, and 200 duplicate on redelivery`, async () => {
      const { json: clock } = await http("/_dev/clock");
      if (Date.parse(example.occurredAt) > Date.parse(clock.now)) {
        expect((await moveClock({ to: example.occurredAt })).status).toBe(200);
      }
      const webhookId = `msg_e2e_${example.file.replace(/\.json$/, "")}`;

      const first = await deliver(example.body, webhookId);
      expect(first.status).toBe(202);
      expect(first.json).toMatchObject({
        prospectId: example.prospectId,
        eventId: webhookId,
        duplicate: false,
        applied: true,
        decision: { rule: example.rule },
      });

      const view = await http(`/v1/prospects/${encodeURIComponent(example.prospectId)}`, { token: true });
      expect(view.status).toBe(200);
      expect(view.json.prospect.status).toBe(first.json.state);
      expect(view.json.timeline).toContainEqual(
        expect.objectContaining({ webhookId, rule: example.rule, actions: first.json.decision.actions }),
      );

      const again = await deliver(example.body, webhookId);
      expect(again.status).toBe(200);
      expect(again.json).toEqual({ ...first.json, duplicate: true });
    });
  }

  it("R4 → R12: 280 days later the hostile tier-C prospect's recycle fires into rep-7's call queue", async () => {
    const hostile = examples.find((e) => e.rule === "R4");
    expect(hostile).toBeDefined();
    const prospectId = hostile?.prospectId ?? "";

    const moved = await moveClock({ advance: "P280D" });
    expect(moved.status).toBe(200);
    expect(moved.json.fired).toContainEqual(
      expect.objectContaining({
        prospectId,
        kind: "recycle",
        rule: "R4",
        result: "applied",
        decision: expect.objectContaining({ rule: "R12" }),
      }),
    );
    const dueTimes = moved.json.fired.map((f: { at: string }) => Date.parse(f.at));
    expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b)); // in due order

    const queue = await http("/v1/call-queue?owner=rep-7", { token: true });
    expect(queue.status).toBe(200);
    const item = queue.json.items.find((i: { prospectId: string }) => i.prospectId === prospectId);
    expect(item).toMatchObject({
      profile: { company: "Tailspin Toys", tier: "C" },
      entry: {
        ownerId: "rep-7",
        reason: "recycle",
        lastOutcome: { type: "call.rejected", reason: "hostile" },
        notes: expect.arrayContaining(["Hung up after ten seconds."]),
      },
    });

    const again = await moveClock({ advance: "PT1M" });
    expect(again.json.fired).not.toContainEqual(expect.objectContaining({ prospectId, kind: "recycle" }));
  });

  it("a webhook redelivered after the dev clock moved months ahead is still a duplicate (receipts keep real time)", async () => {
    const first = examples.find((e) => e.rule === "R2");
    const redelivered = await deliver(first?.body ?? "", `msg_e2e_${first?.file.replace(/\.json$/, "")}`);
    expect(redelivered.status).toBe(200);
    expect(redelivered.json).toMatchObject({ duplicate: true, decision: { rule: "R2" } });
  });
});
