/**
 * The drip engine end to end, over HTTP against `npm start`'s runtime (issue 3): two soft noes, then
 * the dev clock moves 75 days and the four nurture emails land in the local SES inbox, each sent in
 * the prospect's own business hours (its time zone, DST included, no holiday), from the owner, with
 * one-click unsubscribe. Mail to the SES mailbox simulator comes back as the bounce or complaint SES
 * would publish for the request the local SES server received.
 */
import { type IngestResult, prospectCalendar, type TimelineEntry } from "@redial/core";
import { webhookHeaders } from "@redial/functions";
import { DEV_API_TOKEN, DEV_WEBHOOK_SECRET, type Runtime } from "@redial/local";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playbook } from "../support/core.ts";
import { type InboxEmail, startPinned } from "../support/e2e.ts";

let runtime: Runtime;
let delivery = 0;

/** Business time starts here whatever today's date (REDIAL_DEV_NOW): every date below is after it. */
const PINNED = "2026-11-30T12:00:00Z";

beforeAll(async () => {
  runtime = await startPinned(PINNED);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
}, 30_000);

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
};

async function softNo(prospect: Record<string, unknown>, occurredAt: string) {
  const body = JSON.stringify({ type: "call.rejected", occurredAt, reason: "all_set", prospect });
  const id = `msg_drip_${++delivery}`;
  const response = await fetch(`${runtime.url}/v1/events`, {
    method: "POST",
    headers: webhookHeaders({ id, body, secret: DEV_WEBHOOK_SECRET }),
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as IngestResult;
}

const inboxFor = async (address: string): Promise<InboxEmail[]> => {
  const { emails } = (await (await fetch(`${runtime.sesUrl}/store`)).json()) as { emails: InboxEmail[] };
  return emails.filter((email) => email.destination.to.includes(address));
};

const timelineOf = async (id: string) => {
  const response = await fetch(`${runtime.url}/v1/prospects/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${DEV_API_TOKEN}` },
  });
  const { timeline } = (await response.json()) as { timeline: TimelineEntry[] };
  return timeline;
};

/** Two soft noes five minutes apart from `start` (R2, then R3): the prospect is in the nurture drip. */
async function enrolInNurture(prospect: { id: string; email: string; timezone: string }, start: string) {
  expect((await post("/_dev/clock", { to: start })).status).toBe(200);
  const owner = { id: "rep-7", email: "wendy@acme.example", name: "Wendy Ward" };
  const fields = { ...prospect, firstName: "Dana", company: "Northwind", tier: "B", owner };
  expect((await softNo(fields, start)).decision.rule).toBe("R2");
  const second = new Date(Date.parse(start) + 5 * 60_000).toISOString();
  expect((await post("/_dev/clock", { to: second })).status).toBe(200);
  expect((await softNo(fields, second)).decision.rule).toBe("R3");
}

/** The nurture drip, then 75 days of business time, then what the prospect received. */
async function dripScenario(prospect: { id: string; email: string; timezone: string }, start: string) {
  await enrolInNurture(prospect, start);
  // 42 business days (the last nurture step) are more than 60 calendar days once holidays and the
  // Tue–Thu window are counted, so business time moves 75 days: the whole drip.
  const moved = await post("/_dev/clock", { advance: "P75D" });
  expect(moved.status).toBe(200);
  const sent = (await timelineOf(prospect.id)).filter((entry) => entry.type === "email.sent");
  return { inbox: await inboxFor(prospect.email), sent };
}

function expectInBusinessHours(sent: { at: string }[], zone: string) {
  // G2: these prospects have no country or phone, so their holidays are their zone's country's.
  const cal = prospectCalendar({ timezone: zone }, playbook);
  for (const { at } of sent) {
    const local = DateTime.fromISO(at, { zone });
    expect(local.weekday, `${at} in ${zone}`).toBeLessThanOrEqual(5);
    expect(cal.isHoliday(local), `${at} is a holiday in ${zone} (${cal.place?.country})`).toBe(false);
    const minutes = local.hour * 60 + local.minute;
    expect(minutes, `${at} is ${local.toFormat("HH:mm")} in ${zone}`).toBeGreaterThanOrEqual(8 * 60);
    expect(minutes, `${at} is ${local.toFormat("HH:mm")} in ${zone}`).toBeLessThan(17 * 60);
  }
}

function expectFromOwnerWithUnsubscribe(inbox: InboxEmail[]) {
  for (const email of inbox) {
    expect(email.from).toContain("Wendy Ward");
    expect(email.from).toContain("wendy@acme.example");
    expect(email.replyTo).toEqual(["wendy@acme.example"]);
    const headers = Object.fromEntries((email.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(headers["list-unsubscribe"]).toMatch(/^<http:\/\/localhost:\d+\/u\/[\w-]+\.[\w-]+>$/);
    expect(headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(email.body.text).toContain("Unsubscribe: http://localhost:");
    expect(email.body.text).toContain("Springfield");
  }
}

describe("the nurture drip, sent for real through the local SES", () => {
  it("runs on business time pinned by REDIAL_DEV_NOW, whatever today's date", async () => {
    const { now } = (await (await fetch(`${runtime.url}/_dev/clock`)).json()) as { now: string };
    expect(Date.parse(now) - Date.parse(PINNED)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(now) - Date.parse(PINNED)).toBeLessThan(10 * 60_000);
  });

  it("America/Chicago: exactly the four nurture emails, in business hours, from the owner, with unsubscribe", async () => {
    const { inbox, sent } = await dripScenario(
      { id: "drip:chicago", email: "dana@chicago.example", timezone: "America/Chicago" },
      "2026-12-01T15:00:00Z", // Tue 09:00 CST
    );
    expect(inbox).toHaveLength(4);
    expect(sent).toHaveLength(4);
    expect(new Set(inbox.map((email) => email.subject)).size).toBe(4);
    expect(sent.map((entry) => entry.actions[0]?.detail)).toEqual(
      inbox.map((email) => `SES MessageId ${email.messageId}`),
    );
    expectInBusinessHours(sent, "America/Chicago");
    expectFromOwnerWithUnsubscribe(inbox);
  });

  it("America/New_York across the March DST change: the same four, still 08:00–17:00 local", async () => {
    const { inbox, sent } = await dripScenario(
      { id: "drip:dst", email: "dana@dst.example", timezone: "America/New_York" },
      "2027-02-16T15:00:00Z", // Tue 10:00 EST: the drip crosses the change of 14 March
    );
    expect(inbox).toHaveLength(4);
    expectInBusinessHours(sent, "America/New_York");
  });

  it("Asia/Kolkata: the same four, in Kolkata's business hours", async () => {
    const { inbox, sent } = await dripScenario(
      { id: "drip:kolkata", email: "dana@kolkata.example", timezone: "Asia/Kolkata" },
      "2027-05-04T05:00:00Z", // Tue 10:30 IST
    );
    expect(inbox).toHaveLength(4);
    expectInBusinessHours(sent, "Asia/Kolkata");
  });

  it("one-click unsubscribe mid-drip (RFC 8058): no further email, the address suppressed", async () => {
    const prospect = { id: "drip:unsub", email: "dana@unsub.example", timezone: "America/New_York" };
    await enrolInNurture(prospect, "2027-07-20T14:00:00Z"); // Tue 10:00 EDT
    expect((await post("/_dev/clock", { advance: "PT2H" })).status).toBe(200);
    const [first] = await inboxFor(prospect.email);
    const link = first?.headers?.find((h) => h.name === "List-Unsubscribe")?.value.slice(1, -1) ?? "";
    expect(link).toMatch(/\/u\//);

    const clicked = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(clicked.status).toBe(200);
    await post("/_dev/clock", { advance: "P75D" });

    expect(await inboxFor(prospect.email)).toHaveLength(1);
    const suppressions = await fetch(`${runtime.url}/v1/suppressions?limit=200`, {
      headers: { authorization: `Bearer ${DEV_API_TOKEN}` },
    });
    const { items } = (await suppressions.json()) as { items: { email: string }[] };
    expect(items.map((i) => i.email)).toContain(prospect.email);
  });

  it("a bounce from the SES mailbox simulator: address suppressed, drip stopped, the recycle kept (R11)", async () => {
    const prospect = {
      id: "drip:bounce",
      email: "bounce@simulator.amazonses.com",
      timezone: "America/New_York",
    };
    await enrolInNurture(prospect, "2027-10-05T14:00:00Z"); // Tue 10:00 EDT
    await post("/_dev/clock", { advance: "P30D" });

    expect(await inboxFor(prospect.email)).toHaveLength(1); // the first went out and bounced
    const response = await fetch(`${runtime.url}/v1/prospects/${encodeURIComponent(prospect.id)}`, {
      headers: { authorization: `Bearer ${DEV_API_TOKEN}` },
    });
    const { prospect: stored, timeline } = (await response.json()) as {
      prospect: { emailInvalid: boolean; timers: { kind: string }[] };
      timeline: TimelineEntry[];
    };
    expect(stored.emailInvalid).toBe(true);
    expect(stored.timers.map((t) => t.kind)).toEqual(["recycle"]);
    expect(timeline.map((e) => e.rule)).toContain("R11");
  });

  it("a complaint about a prospect whose id is 300 bytes of UTF-8: that drip stopped, the address suppressed (R0), no one else touched", async () => {
    // SES tags hold 256 characters: base64url of 192 bytes. The other prospect's id is exactly what
    // is left of the long one's once cut there, so a cut tag would name it.
    const prefix = `hubspot:${"営".repeat(61)}x`;
    const long = {
      id: `${prefix}${"業".repeat(36)}`,
      email: "complaint+long-id@simulator.amazonses.com",
      timezone: "America/New_York",
    };
    const other = { id: prefix, email: "dana@prefix.example", timezone: "America/New_York" };
    expect([Buffer.byteLength(long.id), Buffer.byteLength(other.id)]).toEqual([300, 192]);
    await enrolInNurture(other, "2027-11-16T14:00:00Z"); // Tue 09:00 EST
    await enrolInNurture(long, "2027-11-16T14:10:00Z");

    await post("/_dev/clock", { advance: "P75D" });

    expect(await inboxFor(long.email)).toHaveLength(1); // the first went out and was reported as spam
    const view = async (id: string) => {
      const response = await fetch(`${runtime.url}/v1/prospects/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${DEV_API_TOKEN}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        prospect: { status: string; timers: unknown[] };
        timeline: TimelineEntry[];
      };
    };
    const stopped = await view(long.id);
    expect(stopped.prospect).toMatchObject({ status: "opted_out", timers: [] });
    expect(stopped.timeline.find((e) => e.type === "email.complained")).toMatchObject({ rule: "R0" });
    const suppressions = await fetch(`${runtime.url}/v1/suppressions?limit=200`, {
      headers: { authorization: `Bearer ${DEV_API_TOKEN}` },
    });
    const { items } = (await suppressions.json()) as { items: { email: string }[] };
    expect(items.map((i) => i.email)).toContain(long.email);

    const untouched = await view(other.id);
    expect(untouched.prospect.status).toBe("nurturing");
    expect(untouched.timeline.map((e) => e.rule)).not.toContain("R0");
    expect(await inboxFor(other.email)).toHaveLength(4);
    expect(items.map((i) => i.email)).not.toContain(other.email);
  });
});
