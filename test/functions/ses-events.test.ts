/**
 * SES events through handleSesEvent: a hard bounce is R11, a complaint R0, the rest only logged. The
 * prospect is found through the email's `prospect_key` tag, which the send's claim recorded, so each
 * prospect here first gets an email sent for real through the email runner (only the Mailer records).
 */
import { readFileSync } from "node:fs";
import { composer, prospectKey, prospectTag, runEmailTimer } from "@redial/core";
import { handleSesEvent, loadTemplates } from "@redial/functions";
import { beforeAll, describe, expect, it } from "vitest";
import { RecordingMailer } from "../support/send.ts";
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

/** How the email named its prospect: the key (today), the id itself (emails sent before), or not at all. */
type Tag = { key: string } | { legacy: string } | null;
const keyOf = (prospectId: string): Tag => ({ key: prospectKey(prospectId) });

/** The fixture, about the email tagged `tag`, sent to `email`. */
function sesEvent(name: string, tag: Tag, email: string): Fixture {
  const event = fixture(name);
  delete event.detail.mail.tags.prospect;
  if (tag && "key" in tag) event.detail.mail.tags.prospect_key = [tag.key];
  if (tag && "legacy" in tag) event.detail.mail.tags.prospect = [prospectTag(tag.legacy)];
  for (const r of event.detail.bounce?.bouncedRecipients ?? []) r.emailAddress = email;
  for (const r of event.detail.complaint?.complainedRecipients ?? []) r.emailAddress = email;
  return event;
}

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

const compose = composer(loadTemplates(), {
  publicUrl: "http://localhost:3000",
  postalAddress: "Acme, 1 Main St",
  unsubscribeKey: "test-unsubscribe-key-123",
});

/**
 * One soft no (R2: a bad-time-note email and a call retry), or with `drip` two (R3: four nurture
 * emails and a recycle); then the first email goes out through the email runner, whose claim records
 * the prospect under its key, and business time moves to just after the fixtures' events.
 */
async function emailed(id: string, options: { drip?: boolean } = {}) {
  const email = `${id}@northwind.example`;
  h.setNow("2026-11-16T15:01:00Z");
  const answer = await result(h.post(eventBody({ occurredAt: "2026-11-16T10:00:00-05:00" }, { id, email })));
  expect(answer).toMatchObject({ state: "retrying", decision: { rule: "R2" } });
  if (options.drip) {
    h.setNow("2026-11-16T15:06:00Z");
    const second = await result(
      h.post(eventBody({ occurredAt: "2026-11-16T10:05:00-05:00" }, { id, email })),
    );
    expect(second).toMatchObject({ state: "nurturing", decision: { rule: "R3" } });
  }
  const timers = (await h.store.getProspect(id))?.prospect.timers ?? [];
  const [first] = timers.filter((t) => t.kind === "email");
  if (!first) throw new Error(`no email timer for ${id}`);
  h.setNow(first.at);
  const sendDeps = { ...h.deps, mailer: new RecordingMailer(), compose };
  expect((await runEmailTimer({ prospectId: id, timerId: first.id }, sendDeps)).result).toBe("sent");
  h.setNow("2026-11-18T15:41:05Z");
  return email;
}

const suppressed = async (email: string) => (await h.store.load({ prospectId: "-", email })).suppressed;

describe("a permanent bounce (R11)", () => {
  it("suppresses the address, cancels the email timers, keeps the other timers, flags emailInvalid", async () => {
    const email = await emailed("ses-bounce", { drip: true });
    const before = (await h.store.getProspect("ses-bounce"))?.prospect;
    expect(before?.timers.some((t) => t.kind === "email")).toBe(true);
    const others = before?.timers.filter((t) => t.kind !== "email");

    const results = await handleSesEvent(sesEvent("bounce-permanent", keyOf("ses-bounce"), email), h.deps);

    expect(results).toEqual([
      { prospectId: "ses-bounce", kind: "bounced", rule: "R11", applied: true, found: true },
    ]);
    const stored = await h.store.getProspect("ses-bounce");
    expect(stored?.prospect).toMatchObject({ status: "nurturing", emailInvalid: true });
    expect(stored?.prospect.timers).toEqual(others);
    expect(others?.length).toBeGreaterThan(0);
    expect(await suppressed(email)).toBe(true);
    expect(stored?.timeline.at(-1)).toMatchObject({
      type: "email.bounced",
      rule: "R11",
      occurredAt: "2026-11-18T15:41:02.669Z",
      note: expect.stringContaining("smtp; 550 5.1.1 user unknown"),
    });
  });

  it("a transient bounce is only logged: nothing written", async () => {
    const email = await emailed("ses-soft");
    const event = sesEvent("bounce-transient", keyOf("ses-soft"), email);
    const writes = h.writes();

    const results = await handleSesEvent(event, h.deps);

    expect(results).toEqual([{ prospectId: "ses-soft", kind: "bounced" }]);
    expect(h.writes()).toBe(writes);
    expect(await suppressed(email)).toBe(false);
  });
});

describe("a complaint (R0)", () => {
  it("opts the prospect out: suppressed, every timer cancelled", async () => {
    const email = await emailed("ses-complaint");

    const results = await handleSesEvent(sesEvent("complaint", keyOf("ses-complaint"), email), h.deps);

    expect(results).toEqual([
      { prospectId: "ses-complaint", kind: "complained", rule: "R0", applied: true, found: true },
    ]);
    const stored = await h.store.getProspect("ses-complaint");
    expect(stored?.prospect).toMatchObject({ status: "opted_out", timers: [] });
    expect(stored?.timeline.at(-1)).toMatchObject({ type: "email.complained", rule: "R0" });
    expect(await suppressed(email)).toBe(true);
  });

  it("an email sent before prospect keys (the id in the legacy `prospect` tag) still finds its prospect", async () => {
    const email = await emailed("ses-legacy");

    const results = await handleSesEvent(sesEvent("complaint", { legacy: "ses-legacy" }, email), h.deps);

    expect(results).toEqual([
      { prospectId: "ses-legacy", kind: "complained", rule: "R0", applied: true, found: true },
    ]);
    expect(await suppressed(email)).toBe(true);
  });
});

describe("R0, R11: the address is suppressed even when no prospect is found", () => {
  it("a hard bounce of an email without a prospect tag (the weekly export): the address alone", async () => {
    const writes = h.writes();

    const results = await handleSesEvent(sesEvent("bounce-permanent", null, "x@y.example"), h.deps);

    expect(results).toEqual([{ kind: "bounced", found: false, suppressed: "x@y.example" }]);
    expect(await suppressed("x@y.example")).toBe(true);
    expect(h.writes()).toBe(writes + 1);
  });

  it("a complaint whose tag no stored prospect has: the address alone, reason R0", async () => {
    const results = await handleSesEvent(
      sesEvent("complaint", keyOf("ses-nobody"), "nobody@y.example"),
      h.deps,
    );

    expect(results).toEqual([{ kind: "complained", found: false, suppressed: "nobody@y.example" }]);
    const { items } = await h.store.listSuppressions({ limit: 100 });
    expect(items.find((i) => i.email === "nobody@y.example")).toMatchObject({ reason: "R0" });
  });

  it("a complaint whose legacy tag names a prospect not stored: the address alone", async () => {
    const results = await handleSesEvent(
      sesEvent("complaint", { legacy: "ses-gone" }, "gone@y.example"),
      h.deps,
    );

    expect(results).toEqual([
      { prospectId: "ses-gone", kind: "complained", found: false, suppressed: "gone@y.example" },
    ]);
    expect(await suppressed("gone@y.example")).toBe(true);
  });
});

describe("events that change nothing", () => {
  it("a delivery is only logged", async () => {
    const email = await emailed("ses-delivered");
    const writes = h.writes();

    const results = await handleSesEvent(sesEvent("delivery", keyOf("ses-delivered"), email), h.deps);

    expect(results).toEqual([{ prospectId: "ses-delivered", kind: "delivered" }]);
    expect(h.writes()).toBe(writes);
  });

  it("a delivery or a soft bounce no prospect is found for writes nothing", async () => {
    const writes = h.writes();

    expect(await handleSesEvent(sesEvent("delivery", null, "x@y.example"), h.deps)).toEqual([]);
    expect(
      await handleSesEvent(sesEvent("bounce-transient", keyOf("ses-nobody"), "z@y.example"), h.deps),
    ).toEqual([]);
    expect(h.writes()).toBe(writes);
    expect(await suppressed("z@y.example")).toBe(false);
  });

  it("an event that is not an SES event throws (EventBridge retries, then the DLQ keeps it)", async () => {
    await expect(
      handleSesEvent({ source: "aws.ses", detail: { eventType: "Bounce" } }, h.deps),
    ).rejects.toMatchObject({
      kind: "invalid",
    });
  });
});
