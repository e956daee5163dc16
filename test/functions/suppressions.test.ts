/** /v1/suppressions: the operator's view of the suppression list (G1), over DynamoDB Local. */
import { beforeAll, describe, expect, it } from "vitest";
import { body, eventBody, harness, problem, result, TOKEN } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;
interface SuppressionPage {
  items: Array<{ email: string; reason: string; at: string }>;
  cursor: string | null;
}

const bearer = { authorization: `Bearer ${TOKEN}` };
const json = { ...bearer, "content-type": "application/json" };

let h: Harness;
beforeAll(async () => {
  h = await harness();
  h.setNow("2026-11-16T15:01:00Z");
});

const add = (payload: unknown, headers: Record<string, string> = json) =>
  h.app.request("/v1/suppressions", {
    method: "POST",
    headers,
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
const list = (query = "") =>
  body<SuppressionPage>(h.app.request(`/v1/suppressions${query}`, { headers: bearer }));
const remove = (email: string) =>
  h.app.request(`/v1/suppressions/${encodeURIComponent(email)}`, { method: "DELETE", headers: bearer });

describe("the suppression routes need the bearer token", () => {
  const requests: Array<[string, RequestInit]> = [
    ["GET /v1/suppressions", { method: "GET" }],
    [
      "POST /v1/suppressions",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"email":"a@b.example"}' },
    ],
    ["DELETE /v1/suppressions/{email}", { method: "DELETE" }],
  ];
  for (const [name, init] of requests) {
    it(`${name} without a token → 401, nothing written`, async () => {
      const writes = h.writes();
      const path = init.method === "DELETE" ? "/v1/suppressions/a%40b.example" : "/v1/suppressions";

      const response = await h.app.request(path, init);

      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(h.writes()).toBe(writes);
    });
  }
});

describe("add, list, delete", () => {
  it("POST adds an address (normalized) with 201, GET lists it, DELETE takes it off with 204", async () => {
    const created = await add({ email: "Legal.Hold@Northwind.Example", reason: "legal request" });

    expect(created.status).toBe(201);
    const entry = {
      email: "legal.hold@northwind.example",
      reason: "legal request",
      at: "2026-11-16T15:01:00.000Z",
    };
    expect(await body(created)).toEqual(entry);
    expect((await list()).items).toContainEqual(entry);

    const deleted = await remove("Legal.Hold@northwind.example");

    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect((await list()).items.map((i) => i.email)).not.toContain("legal.hold@northwind.example");
  });

  it("defaults the reason to operator", async () => {
    expect(await body(add({ email: "plain@northwind.example" }))).toMatchObject({ reason: "operator" });
  });

  it("DELETE of an address not on the list → 404 problem+json", async () => {
    const response = await remove("never-listed@northwind.example");

    expect(response.status).toBe(404);
    expect(await problem(response)).toMatchObject({ status: 404, type: "urn:redial:problem:not_found" });
  });

  it("pages with limit and cursor, ordered by address", async () => {
    for (const name of ["page-c", "page-a", "page-b"]) await add({ email: `${name}@paging.example` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SuppressionPage = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.email));
      cursor = page.cursor;
    } while (cursor);

    const paging = seen.filter((email) => email.endsWith("@paging.example"));
    expect(paging).toEqual(["page-a@paging.example", "page-b@paging.example", "page-c@paging.example"]);
    expect(seen).toEqual([...seen].sort());
  });

  it("an address added here is never planned an email (G1)", async () => {
    await add({ email: "blocked@northwind.example" });

    const answer = await result(
      h.post(eventBody({}, { id: "s-blocked", email: "blocked@northwind.example" })),
    );

    expect(answer).toMatchObject({ applied: true, decision: { rule: "R2" } });
    expect(answer.decision.actions.map((a) => a.type)).not.toContain("email");
    expect(answer.decision.actions.map((a) => a.type)).toContain("call");
  });
});

describe("bad input is refused with problem+json and writes nothing", () => {
  const cases: Array<[string, number, () => Response | Promise<Response>, string?]> = [
    ["a malformed email → 422 at email", 422, () => add({ email: "not-an-email" }), "email"],
    ["a missing email → 422 at email", 422, () => add({ reason: "x" }), "email"],
    ["an empty reason → 422 at reason", 422, () => add({ email: "a@b.example", reason: " " }), "reason"],
    ["invalid JSON → 400", 400, () => add('{"email": ')],
    [
      "text/plain → 415",
      415,
      () => add({ email: "a@b.example" }, { ...bearer, "content-type": "text/plain" }),
    ],
    ["a 5 KiB body → 413", 413, () => add({ email: "a@b.example", reason: "x".repeat(5000) })],
    [
      "a bad limit → 422 at limit",
      422,
      () => h.app.request("/v1/suppressions?limit=0", { headers: bearer }),
      "limit",
    ],
    [
      "a bad cursor → 422 at cursor",
      422,
      () => h.app.request("/v1/suppressions?cursor=nope", { headers: bearer }),
      "cursor",
    ],
  ];
  for (const [name, status, send, path] of cases) {
    it(name, async () => {
      const writes = h.writes();

      const response = await send();

      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const answer = await problem(response);
      expect(answer.status).toBe(status);
      if (path) expect(answer.errors.map((e) => e.path)).toContain(path);
      expect(h.writes()).toBe(writes);
    });
  }
});

describe("GET /openapi.json", () => {
  it("documents the suppression and unsubscribe routes", async () => {
    const doc = await body<{
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: object };
    }>(h.app.request("/openapi.json"));

    expect(Object.keys(doc.paths["/v1/suppressions"] ?? {})).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v1/suppressions/{email}"] ?? {})).toEqual(["delete"]);
    expect(Object.keys(doc.paths["/u/{token}"] ?? {})).toEqual(["get", "post"]);
    expect(doc.components.schemas).toHaveProperty("NewSuppression");
    expect(doc.components.schemas).toHaveProperty("SuppressionPage");
  });
});
