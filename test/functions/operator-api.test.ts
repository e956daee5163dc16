import { readFileSync } from "node:fs";
import {
  type Log,
  type Prospect,
  type QueueItem,
  runTimer,
  type Store,
  type TimelineEntry,
} from "@redial/core";
import { createApp, createLog, loadPlaybook } from "@redial/functions";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES_DIR } from "../support/examples.ts";
import { body, harness, problem, SECRET, TOKEN } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof harness>>;

/** The parts of the OpenAPI document the assertions look at. */
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<
      string,
      { oneOf?: Array<{ properties: Record<string, { enum?: string[] }>; required: string[] }> }
    >;
    securitySchemes: Record<string, unknown>;
  };
}
interface Operation {
  parameters: Array<{ name: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
}

const example = (file: string) => readFileSync(`${EXAMPLES_DIR}${file}`, "utf8");
const bearer = { authorization: `Bearer ${TOKEN}` };

let h: Harness;
/** The prospect of example 02, whose callback (R5) has come due and entered the call queue (R12). */
let queued: { id: string; dueAt: string };

beforeAll(async () => {
  h = await harness();
  h.setNow("2026-11-16T21:05:00Z");
  expect((await h.post(example("01-all-set.json"))).status).toBe(202);

  h.setNow("2026-11-17T15:31:00Z");
  expect((await h.post(example("02-stalled-with-reason.json"))).status).toBe(202);
  const stalled = await h.store.getProspect("sf:0035e00000AbCdE");
  const callback = stalled?.prospect.timers.find((t) => t.kind === "callback");
  if (!callback) throw new Error("example 02 should plan a callback (R5)");
  h.setNow(callback.at);
  await runTimer({ prospectId: "sf:0035e00000AbCdE", timerId: callback.id }, h.deps);
  queued = { id: "sf:0035e00000AbCdE", dueAt: callback.at };
});

describe("operator routes need the bearer token", () => {
  for (const [name, headers] of [
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer not-the-token-at-all" }],
    ["another scheme", { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` }],
  ] as const) {
    for (const path of ["/v1/prospects/hubspot%3A51234", "/v1/call-queue"]) {
      it(`refuses ${path} with ${name}: 401 and a Bearer challenge`, async () => {
        const response = await h.app.request(path, { headers });

        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(await problem(response)).toMatchObject({
          status: 401,
          type: "urn:redial:problem:unauthenticated",
        });
      });
    }
  }
});

describe("GET /v1/prospects/{id}", () => {
  it("answers the prospect and its timeline, oldest first", async () => {
    const response = await h.app.request("/v1/prospects/hubspot%3A51234", { headers: bearer });

    expect(response.status).toBe(200);
    const view = await body<{ prospect: Prospect; timeline: TimelineEntry[] }>(response);
    expect(view.prospect).toMatchObject({
      id: "hubspot:51234",
      profile: { email: "dana.lee@northwind.example" },
    });
    expect(view.timeline).toHaveLength(1);
    expect(view.timeline[0]).toMatchObject({
      kind: "event",
      type: "call.rejected",
      rule: "R2",
      applied: true,
    });
  });

  it("answers 404 problem+json for an unknown prospect", async () => {
    const response = await h.app.request("/v1/prospects/hubspot%3A404", { headers: bearer });

    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await problem(response)).toMatchObject({ status: 404, type: "urn:redial:problem:not_found" });
  });
});

describe("GET /v1/call-queue", () => {
  it("answers the due entries with profile and context, and a null cursor on the last page", async () => {
    const response = await h.app.request("/v1/call-queue?owner=rep-3", { headers: bearer });

    expect(response.status).toBe(200);
    const page = await body<{ items: QueueItem[]; cursor: string | null }>(response);
    expect(page.cursor).toBeNull();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      prospectId: queued.id,
      profile: { company: "Contoso Health" },
      entry: { ownerId: "rep-3", reason: "callback", prompts: expect.any(Array) },
    });
  });

  it("leaves out entries due after dueBefore, and other owners' entries", async () => {
    const before = new Date(Date.parse(queued.dueAt) - 1000).toISOString();
    const early = await h.app.request(`/v1/call-queue?dueBefore=${encodeURIComponent(before)}`, {
      headers: bearer,
    });
    const other = await h.app.request("/v1/call-queue?owner=rep-7", { headers: bearer });

    expect((await body<{ items: QueueItem[] }>(early)).items).toEqual([]);
    expect((await body<{ items: QueueItem[] }>(other)).items).toEqual([]);
  });

  for (const [query, path] of [
    ["dueBefore=next-tuesday", "dueBefore"],
    ["dueBefore=2026-11-31T00:00:00Z", "dueBefore"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=ten", "limit"],
  ]) {
    it(`answers 422 naming ${path} for ?${query}`, async () => {
      const response = await h.app.request(`/v1/call-queue?${query}`, { headers: bearer });

      expect(response.status).toBe(422);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect((await problem(response)).errors.map((e) => e.path)).toEqual([path]);
    });
  }
});

describe("public routes", () => {
  it("GET /health answers ok without a token", async () => {
    const response = await h.app.request("/health");

    expect(response.status).toBe(200);
    expect(await body(response)).toEqual({ status: "ok" });
  });

  it("GET /openapi.json is OpenAPI 3.1 built from the zod schemas", async () => {
    const response = await h.app.request("/openapi.json");

    expect(response.status).toBe(200);
    const doc = await body<OpenApi>(response);
    expect(doc.openapi).toBe("3.1.0");
    const post = doc.paths["/v1/events"]?.post;
    expect(post?.requestBody?.content["application/json"]?.schema).toEqual({
      $ref: "#/components/schemas/InboundEvent",
    });
    expect(post?.parameters.map((p) => p.name)).toEqual([
      "webhook-id",
      "webhook-timestamp",
      "webhook-signature",
    ]);
    expect(post?.responses["202"]?.content["application/json"]?.schema.$ref).toBe(
      "#/components/schemas/IngestResult",
    );
    expect(post?.responses["422"]?.content["application/problem+json"]?.schema.$ref).toBe(
      "#/components/schemas/Problem",
    );
    const inbound = doc.components.schemas.InboundEvent;
    expect(inbound?.oneOf).toHaveLength(9);
    expect(inbound?.oneOf?.[0]?.properties.reason?.enum).toContain("all_set");
    expect(inbound?.oneOf?.[0]?.required).toEqual(
      expect.arrayContaining(["type", "occurredAt", "prospect", "reason"]),
    );
    expect(doc.paths["/v1/call-queue"]?.get?.parameters.map((p) => p.name)).toEqual([
      "owner",
      "dueBefore",
      "limit",
      "cursor",
    ]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    // Every $ref points at a component that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(doc.components.schemas, ref).toHaveProperty([name]);
    }
  });

  it("answers an unknown route with 404 problem+json", async () => {
    const response = await h.app.request("/v2/nothing-here", { method: "DELETE" });

    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await problem(response)).toMatchObject({
      status: 404,
      detail: "No route for DELETE /v2/nothing-here",
    });
  });
});

describe("an unexpected error", () => {
  it("is logged and answered with a bare 500 that reveals nothing", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log: Log = createLog({}, (line) => lines.push(JSON.parse(line)));
    const broken = {
      getProspect: async () => {
        throw new Error("arn:aws:dynamodb:us-east-1:123456789012:table/secret exploded");
      },
    } as unknown as Store;
    const clock = { now: () => new Date() };
    const app = createApp({
      store: broken,
      timers: { schedule: async () => {}, cancel: async () => {} },
      clock,
      wallClock: clock,
      log,
      playbook: loadPlaybook(),
      config: { webhookSecrets: [SECRET], apiToken: TOKEN },
    });

    const response = await app.request("/v1/prospects/p-1", { headers: bearer });

    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const text = await response.text();
    expect(text).not.toMatch(/arn:aws|exploded/);
    expect(JSON.parse(text)).toMatchObject({ status: 500, title: "Internal Server Error", errors: [] });
    expect(lines).toEqual([
      expect.objectContaining({
        level: "error",
        message: "api.unhandled",
        path: "/v1/prospects/p-1",
        error: expect.objectContaining({ message: expect.stringContaining("exploded") }),
      }),
    ]);
  });
});
