/**
 * Attributes DynamoDB cannot store, through the API over DynamoDB Local (CONTRACT.md "Bad attributes
 * on an opt-out"). A reserved key (`constructor`, `__proto__`, `prototype`) anywhere in the prospect,
 * its owner or its attributes is a 422 naming the key's path, with nothing written; the marshaller used
 * to throw on `constructor` at commit (a 500 every retry), and zod silently dropped `__proto__`.
 * An event whose effect is R0 is applied all the same: consent never depends on the rest of the body.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { eventBody, harness, problem, result } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

let h: Harness;
beforeAll(async () => {
  h = await harness();
});

/** An event body whose prospect carries `json` (raw text, so `__proto__` is a key like any other). */
const withProspectText = (patch: Record<string, unknown>, id: string, json: string) =>
  eventBody(patch, { id, attributes: "ATTRS" }).replace('"attributes":"ATTRS"', json);

describe("a reserved key in the profile is a 422 that names its path and writes nothing", () => {
  const cases: Array<{ name: string; id: string; json: string; path: string }> = [
    {
      name: "constructor in attributes (it was a 500: the marshaller threw at commit)",
      id: "rk-1",
      json: '"attributes":{"constructor":"Acme"}',
      path: "prospect.attributes.constructor",
    },
    {
      name: "constructor deep in attributes",
      id: "rk-2",
      json: '"attributes":{"crm":{"fields":[{"constructor":{"name":"x"}}]}}',
      path: "prospect.attributes.crm.fields[0].constructor",
    },
    {
      name: "__proto__ in attributes (it was silently dropped)",
      id: "rk-3",
      json: '"attributes":{"industry":"logistics","__proto__":{"admin":true}}',
      path: "prospect.attributes.__proto__",
    },
    {
      name: "prototype in attributes",
      id: "rk-4",
      json: '"attributes":{"a":{"prototype":1}}',
      path: "prospect.attributes.a.prototype",
    },
    {
      name: "__proto__ on the prospect itself",
      id: "rk-5",
      json: '"__proto__":{"fitsProfile":false}',
      path: "prospect.__proto__",
    },
    {
      name: "constructor on the owner",
      id: "rk-6",
      json: '"owner":{"id":"rep-7","constructor":"x"}',
      path: "prospect.owner.constructor",
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      h.setNow("2026-11-16T15:01:00Z");
      h.requests.reset();

      const response = await h.post(withProspectText({}, c.id, c.json));

      expect(response.status).toBe(422);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const body = await problem(response);
      expect(body.errors).toContainEqual({ path: c.path, message: expect.stringMatching(/reserved/i) });
      expect(h.writes()).toBe(0);
      expect(await h.store.getProspect(c.id)).toBeNull();
    });
  }

  it("names every reserved key of one body", async () => {
    const json = '"attributes":{"constructor":1,"b":{"prototype":2}},"owner":{"id":"r","__proto__":{}}';

    const body = await problem(h.post(withProspectText({}, "rk-7", json)));

    expect(body.errors.map((e) => e.path).sort()).toEqual([
      "prospect.attributes.b.prototype",
      "prospect.attributes.constructor",
      "prospect.owner.__proto__",
    ]);
  });
});

describe("R0: an opt-out with unstorable attributes is applied, those attributes dropped with a remark", () => {
  const optOut = { type: "prospect.opted_out", reason: undefined };

  it("prospect.opted_out with constructor and __proto__ attributes: 202, opted out, suppressed", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    const json =
      '"attributes":{"industry":"logistics","constructor":"Acme","crm":{"__proto__":{"x":1},"stage":"lead"}}';
    const text = withProspectText(optOut, "r0-1", json);

    const response = await h.post(text);

    expect(response.status).toBe(202);
    const answer = await result(response);
    expect(answer).toMatchObject({ applied: true, state: "opted_out", decision: { rule: "R0" } });
    const remarks = answer.decision.remarks?.join("\n") ?? "";
    expect(remarks).toContain("prospect.attributes.constructor");
    expect(remarks).toContain("prospect.attributes.crm.__proto__");
    const stored = await h.store.getProspect("r0-1");
    expect(stored?.prospect.status).toBe("opted_out");
    expect(stored?.prospect.profile.attributes).toEqual({ industry: "logistics", crm: { stage: "lead" } });
    expect(stored?.timeline.at(-1)?.remarks?.join("\n")).toContain("prospect.attributes.constructor");
    expect((await h.store.load({ prospectId: "r0-1", email: "dana@northwind.example" })).suppressed).toBe(
      true,
    );

    // The CRM retrying the same body (a new delivery) is answered, not failed forever.
    expect((await h.post(text)).status).toBe(202);
  });

  it("call.rejected with do_not_contact and a reserved key on the owner: 202 under R0", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    const json = '"owner":{"id":"rep-7","prototype":"x"},"attributes":{"deep":{"constructor":1}}';

    const response = await h.post(withProspectText({ reason: "do_not_contact" }, "r0-2", json));

    expect(response.status).toBe(202);
    const answer = await result(response);
    expect(answer).toMatchObject({ state: "opted_out", decision: { rule: "R0" } });
    const remarks = answer.decision.remarks?.join("\n") ?? "";
    expect(remarks).toContain("prospect.owner.prototype");
    expect(remarks).toContain("prospect.attributes.deep.constructor");
    const stored = await h.store.getProspect("r0-2");
    expect(stored?.prospect.profile.owner).toEqual({ id: "rep-7" });
    expect(stored?.prospect.profile.attributes).toEqual({ deep: {} });
  });

  it("an opt-out with a number DynamoDB cannot keep, or nesting too deep, is applied too", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    const deep = `${'{"a":'.repeat(20)}1${"}".repeat(20)}`;
    const json = `"attributes":{"employees":1e300,"deep":${deep},"ok":1}`;

    const response = await h.post(withProspectText(optOut, "r0-3", json));

    expect(response.status).toBe(202);
    const answer = await result(response);
    expect(answer.decision.rule).toBe("R0");
    expect(answer.decision.remarks?.join("\n")).toContain("prospect.attributes.employees");
    const stored = await h.store.getProspect("r0-3");
    expect(stored?.prospect.profile.attributes?.ok).toBe(1);
    expect(stored?.prospect.profile.attributes?.employees).toBeUndefined();
  });

  it("an opt-out with another defect besides is still a 422 that writes nothing", async () => {
    h.setNow("2026-11-16T15:01:00Z");
    h.requests.reset();
    const text = withProspectText(optOut, "r0-4", '"attributes":{"constructor":1}').replace(
      '"dana@northwind.example"',
      '"not an address"',
    );

    const response = await h.post(text);

    expect(response.status).toBe(422);
    const paths = (await problem(response)).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["prospect.email", "prospect.attributes.constructor"]));
    expect(h.writes()).toBe(0);
  });
});
