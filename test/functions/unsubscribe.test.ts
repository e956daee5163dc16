/** /u/{token}: the confirmation page (GET changes nothing) and RFC 8058 one-click unsubscribe (POST, R0). */
import { signUnsubscribeToken } from "@redial/core";
import { createApp } from "@redial/functions";
import type { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { body, eventBody, harness, result, SECRET, TOKEN } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

const KEY = "unsubscribe-test-key-0123456789";
const bearer = { authorization: `Bearer ${TOKEN}` };
const oneClick = {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: "List-Unsubscribe=One-Click",
};

let h: Harness;
/** The harness's app, with unsubscribe links configured. */
let app: Hono;

beforeAll(async () => {
  h = await harness();
  app = createApp({
    ...h.deps,
    wallClock: { now: () => new Date() },
    config: { webhookSecrets: [SECRET], apiToken: TOKEN },
    unsubscribeKey: KEY,
  });
});

/** Two soft noes: R2, then R3 enrols the prospect in the nurture drip with a recycle. */
async function nurturing(id: string, email = `${id}@northwind.example`) {
  h.setNow("2026-11-16T15:01:00Z");
  expect((await h.post(eventBody({ occurredAt: "2026-11-16T10:00:00-05:00" }, { id, email }))).status).toBe(
    202,
  );
  h.setNow("2026-11-19T15:01:00Z");
  const second = await result(
    h.post(eventBody({ occurredAt: "2026-11-19T10:00:00-05:00", reason: "bad_timing" }, { id, email })),
  );
  expect(second).toMatchObject({ state: "nurturing", decision: { rule: "R3" } });
  const stored = await h.store.getProspect(id);
  expect(stored?.prospect.timers.map((t) => t.kind)).toEqual(expect.arrayContaining(["email", "recycle"]));
  return { id, email, token: signUnsubscribeToken(KEY, { prospectId: id, email }) };
}

describe("GET /u/{token}", () => {
  it("shows a plain confirmation page with a POST button, and reads and writes nothing", async () => {
    const { id, email, token } = await nurturing("u-get");
    const before = await h.store.getProspect(id);
    h.requests.reset();

    const response = await app.request(`/u/${token}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain(`<strong>${email}</strong>`);
    expect(page).toMatch(/<form method="post">/);
    expect(page).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(page).toContain('<button type="submit">Unsubscribe</button>');
    expect(h.requests.total()).toBe(0);
    expect(await h.store.getProspect(id)).toEqual(before);
  });

  it("escapes the address it shows", async () => {
    const token = signUnsubscribeToken(KEY, {
      prospectId: "u-xss",
      email: '"<script>alert(1)</script>"@x.example',
    });

    const page = await (await app.request(`/u/${token}`)).text();

    expect(page).not.toContain("<script>");
    expect(page).toContain("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@x.example");
  });

  it("answers 404 problem+json when no unsubscribe key is configured", async () => {
    const token = signUnsubscribeToken(KEY, { prospectId: "u-get", email: "u-get@northwind.example" });

    for (const method of ["GET", "POST"]) {
      const response = await h.app.request(`/u/${token}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});

describe("POST /u/{token}", () => {
  it("unsubscribes at once (R0): opted_out, every timer gone, the address suppressed for good", async () => {
    const { id, email, token } = await nurturing("u-post");
    h.setNow("2026-11-20T14:00:00Z");

    const response = await app.request(`/u/${token}`, oneClick);

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await response.text();
    expect(page).toContain("<h1>You&#39;re unsubscribed</h1>");
    expect(page).toContain(`<strong>${email}</strong>`);
    const stored = await h.store.getProspect(id);
    expect(stored?.prospect).toMatchObject({ status: "opted_out", timers: [] });
    expect(stored?.timeline.at(-1)).toMatchObject({
      type: "email.unsubscribed",
      rule: "R0",
      applied: true,
      at: "2026-11-20T14:00:00.000Z",
      actions: expect.arrayContaining([
        {
          type: "suppress",
          at: "2026-11-20T14:00:00Z",
          local: "2026-11-20T09:00:00-05:00", // CONTRACT.md "Local times"
          zone: "America/New_York",
          email,
        },
      ]),
    });
    const list = await body<{ items: Array<{ email: string; reason: string }> }>(
      h.app.request("/v1/suppressions?limit=200", { headers: bearer }),
    );
    expect(list.items).toContainEqual({ email, reason: "R0", at: "2026-11-20T14:00:00.000Z" });
  });

  it("is idempotent: the form's empty POST after a one-click is 200 and changes nothing more", async () => {
    const { id, token } = await nurturing("u-twice");
    expect((await app.request(`/u/${token}`, oneClick)).status).toBe(200);

    const again = await app.request(`/u/${token}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });

    expect(again.status).toBe(200);
    expect((await h.store.getProspect(id))?.prospect).toMatchObject({ status: "opted_out", timers: [] });
  });

  it("keeps the prospect from being emailed again: a later soft no plans no email", async () => {
    const { id, email, token } = await nurturing("u-later");
    expect((await app.request(`/u/${token}`, oneClick)).status).toBe(200);
    h.setNow("2026-12-01T15:01:00Z");

    const later = await result(h.post(eventBody({ occurredAt: "2026-12-01T10:00:00-05:00" }, { id, email })));

    expect(later).toMatchObject({ state: "opted_out", applied: false, decision: { rule: "R0" } });
    expect(later.decision.actions.filter((a) => a.type === "email")).toEqual([]);
    expect((await h.store.getProspect(id))?.prospect.timers).toEqual([]);
  });

  it("suppresses the address of a valid token even when Redial does not store the prospect (R0)", async () => {
    const token = signUnsubscribeToken(KEY, { prospectId: "u-nobody", email: "nobody@northwind.example" });

    const response = await app.request(`/u/${token}`, oneClick);

    expect(response.status).toBe(200);
    expect(await h.store.getProspect("u-nobody")).toBeNull();
    const loaded = await h.store.load({ prospectId: "u-nobody", email: "nobody@northwind.example" });
    expect(loaded.suppressed).toBe(true);
  });

  describe("refuses a tampered token with a 400 page, and writes nothing", () => {
    beforeAll(async () => {
      await nurturing("u-tamper");
    });
    const valid = () =>
      signUnsubscribeToken(KEY, { prospectId: "u-tamper", email: "u-tamper@northwind.example" });
    const cases: Array<[string, () => string]> = [
      ["a flipped signature character", () => valid().replace(/.$/, (c) => (c === "A" ? "B" : "A"))],
      [
        "another prospect's payload under this signature",
        () => {
          const other = signUnsubscribeToken(KEY, {
            prospectId: "u-post",
            email: "u-post@northwind.example",
          });
          return `${other.split(".")[0]}.${valid().split(".")[1]}`;
        },
      ],
      [
        "a token signed with another key",
        () =>
          signUnsubscribeToken("another-key-0123456789", { prospectId: "u-tamper", email: "x@y.example" }),
      ],
      ["no signature", () => valid().split(".")[0] ?? ""],
      ["garbage", () => "not-a-token"],
    ];

    for (const [name, token] of cases) {
      it(name, async () => {
        const writes = h.writes();

        for (const method of ["GET", "POST"]) {
          const response = await app.request(`/u/${token()}`, method === "POST" ? oneClick : {});
          expect(response.status).toBe(400);
          expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
          expect(await response.text()).toContain("This link is not valid");
        }

        expect(h.writes()).toBe(writes);
        expect((await h.store.getProspect("u-tamper"))?.prospect.status).toBe("nurturing");
      });
    }
  });
});
