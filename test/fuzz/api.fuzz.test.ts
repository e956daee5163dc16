/**
 * A fuzzer for the HTTP API (issue 6): the real Hono app over DynamoDB Local, fed thousands of invalid
 * requests. For every one: a 4xx (never a 5xx, never a 2xx), RFC 9457 problem+json with CONTRACT.md's
 * fields (HTML for /u/{token}), no unhandled error logged, and nothing written: each case's DynamoDB
 * write requests are counted, the table is scanned every SCAN_EVERY cases and must be empty at the end.
 *
 * A fixed seed by default; `FUZZ_SEED=<n> npx vitest run test/fuzz` explores elsewhere, and a failure
 * prints the seed and path that replay it (fast-check's report).
 */

import { signWebhook } from "@redial/functions";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, optOutCase } from "./events.arb.ts";
import { type FuzzHarness, fuzzHarness, nextWebhookId, SECRET, signed, TOKEN } from "./harness.ts";
import type { ApiCase } from "./model.ts";
import { operatorCase } from "./operator.arb.ts";
import { validCase } from "./valid.arb.ts";
import { isZone } from "./values.ts";

interface Timed {
  at: string;
  local?: string;
  zone?: string;
}
interface StoredView {
  prospect: {
    id: string;
    profile: { timezone?: string; owner?: { timezone?: string } };
    timers: Timed[];
  };
}

const RESERVED_NAMES = new Set(["constructor", "__proto__", "prototype"]);

const SEED = Number(process.env.FUZZ_SEED || 20_261_116);
if (!Number.isSafeInteger(SEED))
  throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
const SCAN_EVERY = 500;
/** Runs per property; the invalid ones alone add up to more than 10,000 cases. */
const RUNS = {
  schema: 4_500,
  malformed: 2_000,
  huge: 200,
  headers: 2_000,
  operator: 2_000,
  valid: 100,
  optOut: 200,
};

let h: FuzzHarness;
let sent = 0;
const timings: string[] = [];

afterAll(async () => {
  // Printed, not asserted: the figures go in the report.
  console.log(`fuzz (seed ${SEED}):\n  ${timings.join("\n  ")}`);
});

/** The webhook headers of a case at send time, tampered as the case says. */
function webhookHeaders(c: ApiCase): Record<string, string> {
  const how = c.signing;
  const body = c.body ?? "";
  if (!how) return {};
  const now = Math.floor(Date.now() / 1000);
  const good = signed(body);
  switch (how.kind) {
    case "valid":
      return good;
    case "omit": {
      const { [how.header]: _, ...rest } = good;
      return rest;
    }
    case "signature":
      return { ...good, "webhook-signature": how.value };
    case "wrong-secret": {
      const other = `whsec_${Buffer.from("not the dev secret, but similar!").toString("base64")}`;
      const id = good["webhook-id"];
      return { ...good, "webhook-signature": signWebhook({ id, timestamp: now, body, secret: other }) };
    }
    case "other-body":
      return {
        ...good,
        "webhook-signature": signed(how.body, { id: good["webhook-id"], timestamp: now })[
          "webhook-signature"
        ],
      };
    case "flip-bit": {
      const bytes = Buffer.from(good["webhook-signature"].slice(3), "base64");
      bytes[how.at >> 3] = (bytes[how.at >> 3] as number) ^ (1 << (how.at & 7));
      return { ...good, "webhook-signature": `v1,${bytes.toString("base64")}` };
    }
    case "timestamp-offset":
      return signed(body, { timestamp: now + how.seconds });
    case "timestamp-raw": {
      const id = nextWebhookId();
      return {
        "webhook-id": id,
        "webhook-timestamp": how.value,
        "webhook-signature": signWebhook({ id, timestamp: how.value, body, secret: SECRET }),
      };
    }
    case "id-changed":
      return { ...good, "webhook-id": how.sent === good["webhook-id"] ? `${how.sent}x` : how.sent };
    case "id-raw":
      return {
        "webhook-id": how.value,
        "webhook-timestamp": String(now),
        "webhook-signature": signWebhook({ id: how.value, timestamp: now, body, secret: SECRET }),
      };
  }
}

/** Sends one invalid case and checks everything the contract promises about its refusal. */
async function refused(c: ApiCase): Promise<void> {
  h.reset();
  const errorsBefore = h.errors.length;
  const response = await h.app.request(c.path, {
    method: c.method,
    headers: { ...c.headers, ...webhookHeaders(c) },
    ...(c.body === undefined ? {} : { body: c.body }),
  });
  const text = await response.text();
  const seen = `${c.method} ${c.path.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;

  expect(h.errors.slice(errorsBefore), seen).toEqual([]);
  expect(c.expect, seen).toContain(response.status);
  expect(response.status, seen).toBeLessThan(500);
  if (response.status < 300)
    expect(c.label, seen).toBe("forged cursor"); // the one tolerated 2xx
  else if (c.format === "html") {
    expect(response.headers.get("content-type"), seen).toBe("text/html; charset=utf-8");
  } else {
    expect(response.headers.get("content-type"), seen).toBe("application/problem+json");
    const problem = JSON.parse(text) as Record<string, unknown>;
    expect(problem, seen).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: response.status,
      detail: expect.any(String),
      errors: expect.any(Array),
    });
    for (const error of problem.errors as unknown[]) {
      expect(error, seen).toMatchObject({ path: expect.any(String), message: expect.any(String) });
    }
    if (response.status === 422) expect((problem.errors as unknown[]).length, seen).toBeGreaterThan(0);
    if (response.status === 401 && c.path !== "/v1/events") {
      expect(response.headers.get("www-authenticate"), seen).toBe('Bearer realm="redial"');
    }
  }

  // Nothing written: not one write request (a DELETE of an absent address is a request that changes
  // nothing, so only there a DeleteItem is allowed), and the table is still empty every few hundred.
  const writes = h.writes() - (c.deletes ? (h.requestCounts().DeleteItem ?? 0) : 0);
  expect(writes, `${seen}\nwrite requests: ${JSON.stringify(h.requestCounts())}`).toBe(0);
  if (++sent % SCAN_EVERY === 0) expect(await h.items(), `after ${sent} cases`).toEqual([]);
}

const TIMEOUT = 180_000;

/** Each property on its own empty table, so one property's failure cannot fail the next. */
async function fuzz(name: keyof typeof RUNS, arbitrary: fc.Arbitrary<ApiCase>) {
  h = await fuzzHarness();
  const started = performance.now();
  await fc.assert(fc.asyncProperty(arbitrary, refused), { seed: SEED, numRuns: RUNS[name] });
  expect(await h.items(), `after ${name}`).toEqual([]);
  timings.push(`${name}: ${RUNS[name]} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

describe("every invalid request is refused with a 4xx problem and writes nothing", () => {
  it(
    "POST /v1/events: canonical events with wrong types, missing fields, bad values",
    () => fuzz("schema", events.schema),
    TIMEOUT,
  );
  it(
    "POST /v1/events: bodies that are not one UTF-8 JSON text",
    () => fuzz("malformed", events.malformed),
    TIMEOUT,
  );
  it("POST /v1/events: bodies past 64 KiB, up to ~1 MB", () => fuzz("huge", events.huge), TIMEOUT);
  it(
    "POST /v1/events: tampered signatures, timestamps, ids and content types",
    () => fuzz("headers", events.headers),
    TIMEOUT,
  );
  it("operator routes, unsubscribe links and unknown routes", () => fuzz("operator", operatorCase), TIMEOUT);
});

describe("every valid event, however odd, is accepted and reads back", () => {
  let v: FuzzHarness;
  beforeAll(async () => {
    v = await fuzzHarness();
  });

  it(
    "202, no unhandled error, and GET /v1/prospects/{id} answers the stored prospect (valid zones only)",
    async () => {
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(validCase, async ({ body, prospectId }) => {
          const errorsBefore = v.errors.length;
          const response = await v.app.request("/v1/events", {
            method: "POST",
            headers: { "content-type": "application/json", ...signed(body) },
            body,
          });
          const text = await response.text();
          expect(v.errors.slice(errorsBefore), text).toEqual([]);
          expect(response.status, text.slice(0, 500)).toBe(202);

          const read = await v.app.request(`/v1/prospects/${encodeURIComponent(prospectId)}`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          const stored = await read.text();
          expect(read.status, stored.slice(0, 500)).toBe(200);
          const { prospect } = JSON.parse(stored) as StoredView;
          expect(prospect.id).toBe(prospectId);

          // G2: an unknown zone is accepted but never stored; every time comes with its local time.
          const { timezone, owner } = prospect.profile;
          for (const zone of [timezone, owner?.timezone])
            if (zone !== undefined) expect(isZone(zone), stored.slice(0, 500)).toBe(true);
          const answer = JSON.parse(text) as { decision: { actions: Timed[] } };
          for (const timed of [...answer.decision.actions, ...prospect.timers]) {
            expect(isZone(timed.zone ?? ""), text.slice(0, 500)).toBe(true);
            expect(Date.parse(timed.local ?? ""), text.slice(0, 500)).toBe(Date.parse(timed.at));
          }
        }),
        { seed: SEED, numRuns: RUNS.valid },
      );
      timings.push(`valid: ${RUNS.valid} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    TIMEOUT,
  );
});

/** Every key of a JSON text's objects, at any depth (JSON.parse keeps `__proto__` as an own key). */
function keysOf(value: unknown): string[] {
  const keys: string[] = [];
  const stack = [value];
  while (stack.length) {
    const next = stack.pop();
    if (Array.isArray(next)) stack.push(...next);
    else if (next && typeof next === "object")
      for (const [key, inner] of Object.entries(next)) {
        keys.push(key);
        stack.push(inner);
      }
  }
  return keys;
}

describe("an opt-out is applied whatever DynamoDB cannot store in its profile (R0)", () => {
  let o: FuzzHarness;
  beforeAll(async () => {
    o = await fuzzHarness();
  });

  it(
    "202 under R0, the unstorable parts named in a remark, none of them stored, and the prospect reads back",
    async () => {
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(optOutCase, async ({ body, prospectId }) => {
          const errorsBefore = o.errors.length;
          const response = await o.app.request("/v1/events", {
            method: "POST",
            headers: { "content-type": "application/json", ...signed(body) },
            body,
          });
          const text = await response.text();
          expect(o.errors.slice(errorsBefore), text).toEqual([]);
          expect(response.status, text.slice(0, 500)).toBe(202);
          const answer = JSON.parse(text) as {
            state: string;
            decision: { rule: string; remarks?: string[] };
          };
          expect(answer).toMatchObject({ state: "opted_out", decision: { rule: "R0" } });
          expect(answer.decision.remarks?.join("\n"), text.slice(0, 500)).toMatch(/cannot store.*\(R0\)/);

          const read = await o.app.request(`/v1/prospects/${encodeURIComponent(prospectId)}`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          const stored = await read.text();
          expect(read.status, stored.slice(0, 500)).toBe(200);
          const { prospect } = JSON.parse(stored) as { prospect: { status: string; profile: unknown } };
          expect(prospect.status).toBe("opted_out");
          const reserved = keysOf(prospect.profile).filter((key) => RESERVED_NAMES.has(key));
          expect(reserved, stored.slice(0, 500)).toEqual([]);
        }),
        { seed: SEED, numRuns: RUNS.optOut },
      );
      timings.push(`optOut: ${RUNS.optOut} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    TIMEOUT,
  );
});
