/**
 * What the API fuzzer (api.fuzz.test.ts) found, one example each, so a regression fails by name.
 * Before the fixes each was a 500, or a 2xx that wrote what it should have refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type FuzzHarness, fuzzHarness, signed, TOKEN } from "./harness.ts";
import { nested } from "./model.ts";

let h: FuzzHarness;
beforeAll(async () => {
  h = await fuzzHarness();
});

const bearer = { authorization: `Bearer ${TOKEN}` };

/** A valid call.rejected for `id` (R2 at the harness's business time); `patch` replaces fields. */
function event(id: string, patch: Record<string, unknown> = {}, prospect: Record<string, unknown> = {}) {
  return JSON.stringify({
    type: "call.rejected",
    occurredAt: "2026-11-20T09:00:00-05:00",
    prospect: { id, email: `${id}@northwind.example`, timezone: "America/New_York", ...prospect },
    reason: "all_set",
    ...patch,
  });
}

async function post(body: string | Uint8Array) {
  h.reset();
  const response = await h.app.request("/v1/events", {
    method: "POST",
    headers: { "content-type": "application/json", ...signed(body) },
    body,
  });
  return { status: response.status, problem: (await response.json()) as Record<string, unknown> };
}

/** A refusal that names `path` and wrote nothing. */
async function refused(body: string | Uint8Array, status: number, path: string) {
  const { status: got, problem } = await post(body);
  expect(got).toBe(status);
  expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  expect(h.writes()).toBe(0);
}

describe("bodies that are not Unicode JSON text are 400", () => {
  it("refuses a body that starts with a byte order mark (it used to be dropped and the event applied)", async () => {
    await refused(`\uFEFF${event("bom-1")}`, 400, "");
    expect(await h.app.request("/v1/prospects/bom-1", { headers: bearer })).toHaveProperty("status", 404);
  });

  it("refuses a lone surrogate escape in any string or key, naming where (it used to be stored)", async () => {
    await refused(event("lone-1", { note: "half \ud800 a pair" }), 400, "note");
    await refused(event("lone-\udc00", {}, { email: "lone@northwind.example" }), 400, "prospect.id");
    await refused(
      event("lone-2", {}, { attributes: { "key\ud83d": 1 } }),
      400,
      "prospect.attributes.key\ud83d",
    );
  });

  it("accepts well-formed pairs, escaped or not", async () => {
    const { status } = await post(event("pair-1", { note: "\ud83d\ude00 😀" }));
    expect(status).toBe(202);
  });

  it("refuses a BOM and a lone surrogate on POST /v1/suppressions too (both used to add the address)", async () => {
    for (const body of [
      '\uFEFF{"email":"bom@northwind.example"}',
      '{"email":"x@northwind.example","reason":"\\udfff"}',
    ]) {
      h.reset();
      const response = await h.app.request("/v1/suppressions", {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body,
      });
      expect(response.status).toBe(400);
      expect(h.writes()).toBe(0);
    }
  });
});

describe("attributes DynamoDB cannot store are 422, not a failed write (500)", () => {
  it("refuses attributes nested deeper than 16 levels (the attributes map is the first), however deep", async () => {
    for (const depth of [16, 40, 5_000]) {
      const body = event("deep-1", {}, { attributes: { deep: "DEEP" } }).replace(
        '"DEEP"',
        nested(depth, "object"),
      );
      await refused(body, 422, `prospect.attributes.deep${".a".repeat(15)}`);
    }
  });

  it("accepts 16 levels and reads the prospect back", async () => {
    const body = event("deep-ok", {}, { attributes: { deep: "DEEP" } }).replace(
      '"DEEP"',
      nested(15, "object"),
    );
    expect((await post(body)).status).toBe(202);
    expect(await h.app.request("/v1/prospects/deep-ok", { headers: bearer })).toHaveProperty("status", 200);
  });

  it("refuses numbers the document client or DynamoDB cannot keep exactly", async () => {
    for (const n of ["9007199254740992", "1e300", "-1e21", "1e-200", "5e-324"]) {
      await refused(
        event("num-1", {}, { attributes: { n: "N" } }).replace('"N"', n),
        422,
        "prospect.attributes.n",
      );
    }
    const { status } = await post(
      event("num-ok", {}, { attributes: { n: 9007199254740991, f: 0.1, z: 0, s: 1e-130 } }),
    );
    expect(status).toBe(202);
  });

  it("refuses an empty attribute name at any level", async () => {
    await refused(event("key-1", {}, { attributes: { "": 1 } }), 422, "prospect.attributes");
    await refused(
      event("key-2", {}, { attributes: { outer: [{ "": 1 }] } }),
      422,
      "prospect.attributes.outer[0]",
    );
  });
});

describe("event dates are from 1970 through 2999 (outside, the prospect could not be read back)", () => {
  it("refuses occurredAt before 1970 (year 0000 at +14:00 used to make every later event a 500)", async () => {
    await refused(event("past-1", { occurredAt: "0000-01-01T00:00:00+14:00" }), 422, "occurredAt");
    await refused(event("past-2", { occurredAt: "1969-12-31T23:59:59Z" }), 422, "occurredAt");
    expect((await post(event("past-ok", { occurredAt: "1970-01-01T00:00:00Z" }))).status).toBe(202);
  });

  it("refuses callbackAt after 2999 (9999-12-31T23:59:59-14:00 is year 10000 in UTC)", async () => {
    const stalled = (callbackAt: string) =>
      event("cb-1", { type: "call.stalled", callbackAt, reason: undefined });
    await refused(stalled("9999-12-31T23:59:59-14:00"), 422, "callbackAt");
    await refused(stalled("3000-01-01"), 422, "callbackAt");
    await refused(stalled("1969-12-31"), 422, "callbackAt");
    expect((await post(stalled("2999-12-31"))).status).toBe(202);
    expect(await h.app.request("/v1/prospects/cb-1", { headers: bearer })).toHaveProperty("status", 200);
  });
});

describe("path parameters no key can hold are 404, not a DynamoDB ValidationException (500)", () => {
  it("GET /v1/prospects/{id} with an id longer than any prospect's", async () => {
    h.reset();
    const response = await h.app.request(`/v1/prospects/${"€".repeat(1000)}`, { headers: bearer });
    expect(response.status).toBe(404);
    expect(h.requestCounts()).toEqual({});
  });

  it("DELETE /v1/suppressions/{email} with an address longer than any prospect's", async () => {
    h.reset();
    const response = await h.app.request(`/v1/suppressions/${"€".repeat(1000)}@x.example`, {
      method: "DELETE",
      headers: bearer,
    });
    expect(response.status).toBe(404);
    expect(h.requestCounts()).toEqual({});
  });

  it('refuses "." and ".." as prospect ids: a URL path resolves them away, so no GET could name them', async () => {
    await refused(event("."), 422, "prospect.id");
    await refused(event(".."), 422, "prospect.id");
  });
});

/**
 * A cursor is base64url JSON `{ after }`; decodeCursor (packages/aws/src/dynamo/query.ts) refuses an
 * `after` DynamoDB could not take as a sort key (empty, or over 1024 bytes), which was a 500.
 */
describe("forged cursors", () => {
  const forged = (after: string) => Buffer.from(JSON.stringify({ after })).toString("base64url");
  it("a cursor naming an empty or >1024-byte sort key is a 422, not a 500", async () => {
    for (const after of ["", "x".repeat(1025)]) {
      for (const path of ["/v1/call-queue?", "/v1/call-queue?owner=rep-7&", "/v1/suppressions?"]) {
        const response = await h.app.request(`${path}cursor=${forged(after)}`, { headers: bearer });
        expect(response.status).toBe(422);
      }
    }
  });
});
