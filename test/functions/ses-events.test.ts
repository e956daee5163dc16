/** SES events through handleSesEvent: a hard bounce is R11, a complaint R0, the rest only logged. */
import { readFileSync } from "node:fs";
import { prospectTag } from "@redial/core";
import { handleSesEvent } from "@redial/functions";
import { beforeAll, describe, expect, it } from "vitest";
import { eventBody, harness, result } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;
type Fixture = {
  detail: {
    mail: { tags: Record<string, string[]> };
    bounce?: { bouncedRecipients: Array<{ emailAddress: string }> };
    complaint?: { complainedRecipients: Array<{ emailAddress: string }> };
  };
};

const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`../fixtures/ses/${name}.json`, import.meta.url), "utf8"));

/** The fixture, about `prospectId`'s `email`. */
function sesEvent(name: string, prospectId: string | null, email: string): Fixture {
  const event = fixture(name);
  if (prospectId) event.detail.mail.tags.prospect = [prospectTag(prospectId)];
  else delete event.detail.mail.tags.prospect;
  for (const r of event.detail.bounce?.bouncedRecipients ?? []) r.emailAddress = email;
  for (const r of event.detail.complaint?.complainedRecipients ?? []) r.emailAddress = email;
  return event;
}

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

/** One soft no (R2): a bad-time-note email and a call retry pending. */
async function retrying(id: string) {
  const email = `${id}@northwind.example`;
  h.setNow("2026-11-16T15:01:00Z");
  const answer = await result(h.post(eventBody({ occurredAt: "2026-11-16T10:00:00-05:00" }, { id, email })));
  expect(answer).toMatchObject({ state: "retrying", decision: { rule: "R2" } });
  const kinds = (await h.store.getProspect(id))?.prospect.timers.map((t) => t.kind);
  expect(kinds).toEqual(expect.arrayContaining(["email", "call"]));
  h.setNow("2026-11-18T15:41:05Z");
  return email;
}

const suppressed = async (email: string) => (await h.store.load({ prospectId: "-", email })).suppressed;

describe("a permanent bounce (R11)", () => {
  it("suppresses the address, cancels the email timers, keeps the call timers, flags emailInvalid", async () => {
    const email = await retrying("ses-bounce");
    const before = (await h.store.getProspect("ses-bounce"))?.prospect;
    const calls = before?.timers.filter((t) => t.kind !== "email");

    const results = await handleSesEvent(sesEvent("bounce-permanent", "ses-bounce", email), h.deps);

    expect(results).toEqual([
      { prospectId: "ses-bounce", kind: "bounced", rule: "R11", applied: true, found: true },
    ]);
    const stored = await h.store.getProspect("ses-bounce");
    expect(stored?.prospect).toMatchObject({ status: "retrying", emailInvalid: true });
    expect(stored?.prospect.timers).toEqual(calls);
    expect(calls?.length).toBeGreaterThan(0);
    expect(await suppressed(email)).toBe(true);
    expect(stored?.timeline.at(-1)).toMatchObject({
      type: "email.bounced",
      rule: "R11",
      occurredAt: "2026-11-18T15:41:02.669Z",
      note: expect.stringContaining("smtp; 550 5.1.1 user unknown"),
    });
  });

  it("a transient bounce is only logged: nothing written", async () => {
    const email = await retrying("ses-soft");
    const event = sesEvent("bounce-transient", "ses-soft", email);
    const writes = h.writes();

    const results = await handleSesEvent(event, h.deps);

    expect(results).toEqual([{ prospectId: "ses-soft", kind: "bounced" }]);
    expect(h.writes()).toBe(writes);
    expect(await suppressed(email)).toBe(false);
  });
});

describe("a complaint (R0)", () => {
  it("opts the prospect out: suppressed, every timer cancelled", async () => {
    const email = await retrying("ses-complaint");

    const results = await handleSesEvent(sesEvent("complaint", "ses-complaint", email), h.deps);

    expect(results).toEqual([
      { prospectId: "ses-complaint", kind: "complained", rule: "R0", applied: true, found: true },
    ]);
    const stored = await h.store.getProspect("ses-complaint");
    expect(stored?.prospect).toMatchObject({ status: "opted_out", timers: [] });
    expect(stored?.timeline.at(-1)).toMatchObject({ type: "email.complained", rule: "R0" });
    expect(await suppressed(email)).toBe(true);
  });
});

describe("events that change nothing", () => {
  it("a delivery is only logged", async () => {
    const email = await retrying("ses-delivered");
    const writes = h.writes();

    const results = await handleSesEvent(sesEvent("delivery", "ses-delivered", email), h.deps);

    expect(results).toEqual([{ prospectId: "ses-delivered", kind: "delivered" }]);
    expect(h.writes()).toBe(writes);
  });

  it("a bounce of an email without a prospect tag, or of a prospect not stored, writes nothing", async () => {
    const writes = h.writes();

    expect(await handleSesEvent(sesEvent("bounce-permanent", null, "x@y.example"), h.deps)).toEqual([]);
    expect(await handleSesEvent(sesEvent("complaint", "ses-nobody", "x@y.example"), h.deps)).toEqual([
      { prospectId: "ses-nobody", kind: "complained", found: false },
    ]);
    expect(h.writes()).toBe(writes);
  });

  it("an event that is not an SES event throws (EventBridge retries, then the DLQ keeps it)", async () => {
    await expect(
      handleSesEvent({ source: "aws.ses", detail: { eventType: "Bounce" } }, h.deps),
    ).rejects.toMatchObject({
      kind: "invalid",
    });
  });
});
