import { beforeAll, describe, expect, it } from "vitest";
import { EXPECTED_RULE, loadExamples } from "../support/examples.ts";
import { body, eventBody, harness, OTHER_SECRET, problem, result, signedHeaders, TOKEN } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

/** One minute after `occurredAt`: the business clock of a CRM that reports promptly. */
const justAfter = (occurredAt: string) => new Date(Date.parse(occurredAt) + 60_000).toISOString();

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

describe("POST /v1/events with the canonical examples", () => {
  const examples = loadExamples();
  it("has every example the README names", () => {
    expect(examples.map((e) => e.file.slice(0, 2))).toEqual(Object.keys(EXPECTED_RULE));
  });

  for (const { file, rule, body, json: event } of examples) {
    it(`${file} is accepted with 202 and decided by ${rule}`, async () => {
      h.setNow(justAfter(event.occurredAt));

      h.requests.reset();
      const response = await h.post(body);

      expect(response.status).toBe(202);
      // One read, one transaction per applied event (ARCHITECTURE.md, step 2).
      expect(h.requests.counts).toEqual({ BatchGetItem: 1, TransactWriteItems: 1 });
      const answer = await result(response);
      expect(answer).toMatchObject({ prospectId: event.prospect.id, duplicate: false, applied: true });
      expect(answer.decision.rule).toBe(rule);
      const stored = await h.store.getProspect(event.prospect.id);
      expect(stored?.timeline.at(-1)?.rule).toBe(rule);
    });
  }
});

describe("POST /v1/events delivery semantics", () => {
  it("answers a redelivered webhook-id with 200 and duplicate: true, and records nothing new", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    const body = eventBody({}, { id: "dup-1" });
    const headers = signedHeaders(body);
    const first = await h.post(body, { headers });
    const timeline = (await h.store.getProspect("dup-1"))?.timeline.length;

    const again = await h.post(body, { headers: signedHeaders(body, { id: headers["webhook-id"] }) });

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    const [firstResult, againResult] = [await result(first), await result(again)];
    expect(againResult).toEqual({ ...firstResult, duplicate: true });
    expect((await h.store.getProspect("dup-1"))?.timeline).toHaveLength(timeline ?? -1);
  });

  it("records an event older than the last applied one with 202 and applied: false (G6)", async () => {
    h.setNow("2026-11-16T16:00:00Z");
    await h.post(eventBody({ occurredAt: "2026-11-16T10:00:00-05:00" }, { id: "g6-1" }));

    const response = await h.post(
      eventBody({ type: "prospect.replied", occurredAt: "2026-11-16T09:00:00-05:00" }, { id: "g6-1" }),
    );

    expect(response.status).toBe(202);
    const answer = await result(response);
    expect(answer).toMatchObject({ applied: false, duplicate: false, decision: { rule: "G6" } });
    expect(answer.reason).toMatch(/G6/);
    expect((await h.store.getProspect("g6-1"))?.prospect.status).not.toBe("engaged");
  });

  it("checks the signature against the wall clock, not the moved business clock", async () => {
    h.setNow("2027-03-01T12:00:00Z");

    const response = await h.post(eventBody({ occurredAt: "2027-03-01T11:59:00Z" }, { id: "clock-1" }));

    expect(response.status).toBe(202);
  });
});

describe("POST /v1/events refuses bad input with problem+json and writes nothing", () => {
  const big = (id: string) => eventBody({}, { id, attributes: { padding: "x".repeat(65 * 1024) } });
  const now = Math.floor(Date.now() / 1000);

  const cases: Array<{
    name: string;
    id: string;
    status: number;
    path?: string;
    send: (h: Harness, id: string) => Response | Promise<Response>;
  }> = [
    {
      name: "invalid JSON → 400",
      id: "bad-json",
      status: 400,
      path: "",
      send: (h) => h.post('{"type": "call.rejected", "prospect": {"id": "bad-json",}}'),
    },
    { name: "a 65 KiB body → 413", id: "big-1", status: 413, send: (h, id) => h.post(big(id)) },
    {
      name: "a 65 KiB body under a lying Content-Length → 413",
      id: "big-2",
      status: 413,
      send: (h, id) => h.post(big(id), { headers: { "content-length": "120" } }),
    },
    {
      name: "a 65 KiB body with an honest Content-Length → 413 before reading it",
      id: "big-3",
      status: 413,
      send: (h, id) => h.post(big(id), { headers: { "content-length": String(Buffer.byteLength(big(id))) } }),
    },
    {
      name: "text/plain → 415",
      id: "text-1",
      status: 415,
      send: (h, id) => h.post(eventBody({}, { id }), { headers: { "content-type": "text/plain" } }),
    },
    {
      name: "an unknown type → 422 at type",
      id: "type-1",
      status: 422,
      path: "type",
      send: (h, id) => h.post(eventBody({ type: "call.teleported" }, { id })),
    },
    {
      name: "an unknown reason → 422 at reason",
      id: "reason-1",
      status: 422,
      path: "reason",
      send: (h, id) => h.post(eventBody({ reason: "meh" }, { id })),
    },
    {
      name: "a missing prospect.id → 422 at prospect.id",
      id: "",
      status: 422,
      path: "prospect.id",
      send: (h) => h.post(eventBody({}, { id: undefined })),
    },
    {
      // An unknown zone is a 202 with a remark (G2, below); a zone that is not short text is still refused.
      name: "a time zone longer than 64 characters → 422 at prospect.timezone",
      id: "tz-1",
      status: 422,
      path: "prospect.timezone",
      send: (h, id) => h.post(eventBody({}, { id, timezone: `America/${"A".repeat(60)}` })),
    },
    {
      name: "an owner's time zone that is not text → 422 at prospect.owner.timezone",
      id: "tz-2",
      status: 422,
      path: "prospect.owner.timezone",
      send: (h, id) => h.post(eventBody({}, { id, owner: { id: "rep-1", timezone: 7 } })),
    },
    {
      name: "an impossible date (2026-02-30) → 422 at occurredAt",
      id: "date-1",
      status: 422,
      path: "occurredAt",
      send: (h, id) => h.post(eventBody({ occurredAt: "2026-02-30T10:00:00Z" }, { id })),
    },
    {
      name: "an impossible callback date → 422 at callbackAt",
      id: "date-2",
      status: 422,
      path: "callbackAt",
      send: (h, id) =>
        h.post(eventBody({ type: "call.stalled", reason: undefined, callbackAt: "2027-02-30" }, { id })),
    },
    {
      name: "occurredAt more than 24 h after now → 422 at occurredAt",
      id: "future-1",
      status: 422,
      path: "occurredAt",
      send: (h, id) => h.post(eventBody({ occurredAt: "2026-11-18T10:00:00-05:00" }, { id })),
    },
    {
      name: "a signature made with another secret → 401",
      id: "forged-1",
      status: 401,
      send: (h, id) => h.post(eventBody({}, { id }), { secret: OTHER_SECRET }),
    },
    {
      name: "no signature headers → 401",
      id: "unsigned-1",
      status: 401,
      send: (h, id) =>
        h.app.request("/v1/events", {
          method: "POST",
          body: eventBody({}, { id }),
          headers: { "content-type": "application/json" },
        }),
    },
    {
      name: "an expired timestamp → 401",
      id: "expired-1",
      status: 401,
      send: (h, id) => h.post(eventBody({}, { id }), { timestamp: now - 301 }),
    },
    {
      name: "a timestamp too far ahead → 401",
      id: "ahead-1",
      status: 401,
      send: (h, id) => h.post(eventBody({}, { id }), { timestamp: now + 600 }),
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      h.setNow("2026-11-16T15:01:00Z");
      h.requests.reset();

      const response = await c.send(h, c.id);

      expect(response.status).toBe(c.status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = await problem(response);
      expect(body).toMatchObject({ status: c.status, type: expect.stringMatching(/^urn:redial:problem:/) });
      expect(body.title).toEqual(expect.any(String));
      expect(body.detail).toEqual(expect.any(String));
      if (c.path !== undefined) expect(body.errors.map((e) => e.path)).toContain(c.path);
      expect(h.writes()).toBe(0); // nothing written, not even a receipt or a suppression
      if (c.id) expect(await h.store.getProspect(c.id)).toBeNull();
    });
  }

  it("explains a JSON syntax error with the parser's own words", async () => {
    const response = await h.post('{\n  "type": "call.rejected",\n  "prospect": {"id": "bad-json-2",}\n}');

    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(body.detail).toMatch(/^The body is not valid JSON: .*(JSON|token)/);
  });

  it("answers 64 KiB of [ with a 400, not a crash", async () => {
    const response = await h.post("[".repeat(64 * 1024 - 10));
    expect(response.status).toBe(400);
  });

  it("refuses a replayed webhook-id and timestamp carrying a new body with 401, and changes nothing", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    const original = eventBody({}, { id: "replay-1" });
    const headers = signedHeaders(original);
    expect((await h.post(original, { headers })).status).toBe(202);
    const before = await h.store.getProspect("replay-1");

    const response = await h.post(eventBody({ type: "prospect.opted_out" }, { id: "replay-1" }), { headers });

    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const after = await h.store.getProspect("replay-1");
    expect(after?.prospect.version).toBe(before?.prospect.version);
    expect(after?.timeline).toHaveLength(before?.timeline.length ?? -1);
  });
});

describe("G2 over HTTP: an unknown zone is a 202 with a remark, and times come with local and zone", () => {
  const bearer = { authorization: `Bearer ${TOKEN}` };

  it("an event with timezone Mars/Olympus is applied in the owner's zone, named in a remark", async () => {
    h.setNow("2026-11-16T15:01:00Z");

    const response = await h.post(
      eventBody(
        {},
        { id: "tz-mars", timezone: "Mars/Olympus", owner: { id: "rep-1", timezone: "America/Chicago" } },
      ),
    );

    expect(response.status).toBe(202);
    const answer = await result(response);
    expect(answer.applied).toBe(true);
    expect(answer.decision.remarks).toContain(
      'timezone "Mars/Olympus" is not an IANA zone: using America/Chicago (the owner\'s) (G2)',
    );
    expect(answer.decision.actions.length).toBeGreaterThan(0);
    for (const action of answer.decision.actions) {
      expect(action).toMatchObject({ zone: "America/Chicago", local: expect.stringMatching(/-06:00$/) });
      expect(Date.parse(action.local ?? "")).toBe(Date.parse(action.at));
    }
    const stored = await h.store.getProspect("tz-mars");
    expect(stored?.prospect.profile.timezone).toBeUndefined(); // never stored: readers see valid zones only
    expect(stored?.prospect.profile.owner?.timezone).toBe("America/Chicago");
  });

  it("GET /v1/prospects/{id}: a Europe/Berlin prospect's pending timers carry local (+01:00 in winter) and zone", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    expect((await h.post(eventBody({}, { id: "tz-berlin", timezone: "Europe/Berlin" }))).status).toBe(202);

    const response = await h.app.request("/v1/prospects/tz-berlin", { headers: bearer });

    expect(response.status).toBe(200);
    const view = await body<{ prospect: { timers: Array<{ at: string; local: string; zone: string }> } }>(
      response,
    );
    expect(view.prospect.timers.length).toBeGreaterThan(0);
    for (const timer of view.prospect.timers) {
      expect(timer.zone).toBe("Europe/Berlin");
      expect(timer.local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/);
      expect(Date.parse(timer.local)).toBe(Date.parse(timer.at));
    }
    // Shown, not stored: the timer items keep their UTC `at` only.
    const stored = await h.store.getProspect("tz-berlin");
    expect(stored?.prospect.timers.every((t) => !("local" in t) && !("zone" in t))).toBe(true);
  });

  it("/openapi.json documents local and zone on actions and on the prospect view's timers", async () => {
    type Schema = { properties: Record<string, Schema>; items: Schema; required?: string[] };
    const doc = await body<{ components: { schemas: Record<string, Schema> } }>(
      h.app.request("/openapi.json"),
    );
    const { IngestResult, ProspectView } = doc.components.schemas;
    const action = IngestResult?.properties.decision?.properties.actions?.items;
    expect(Object.keys(action?.properties ?? {})).toEqual(expect.arrayContaining(["at", "local", "zone"]));
    const timer = ProspectView?.properties.prospect?.properties.timers?.items;
    expect(timer?.required).toEqual(expect.arrayContaining(["at", "local", "zone"]));
  });

  it("R5: a callbackAt in the past is a 202, the callback at the next slot, with a remark", async () => {
    h.setNow("2026-11-16T15:01:00Z");

    const response = await h.post(
      eventBody({ type: "call.stalled", reason: undefined, callbackAt: "2020-01-01" }, { id: "past-cb" }),
    );

    expect(response.status).toBe(202);
    const answer = await result(response);
    const callback = answer.decision.actions.find((a) => a.purpose === "callback");
    expect(callback).toMatchObject({ at: "2026-11-16T15:01:00Z", local: "2026-11-16T10:01:00-05:00" });
    expect(answer.decision.remarks).toContain(
      "callbackAt 2020-01-01 is in the past: the callback is due at the next slot, " +
        "2026-11-16T10:01:00-05:00 (America/New_York) (R6)",
    );
  });
});
