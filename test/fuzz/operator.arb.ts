/**
 * Invalid requests to the operator routes (bearer token), the unsubscribe links and unknown routes:
 * tampered tokens, bad path and query parameters, bad suppression bodies. The table they run against
 * is empty, so a prospect or address that is looked up is never there (404).
 */
import { signUnsubscribeToken } from "@redial/core";
import fc from "fast-check";
import { TOKEN, UNSUBSCRIBE_KEY } from "./harness.ts";
import { type ApiCase, type Json, printable } from "./model.ts";
import { badDateTime, badEmail, loneSurrogate, tooLong, wrongType } from "./values.ts";

const BEARER = { authorization: `Bearer ${TOKEN}` };

/** A query string from pairs, as a client would encode it. */
const query = (params: Array<[string, string]>) => (params.length ? `?${new URLSearchParams(params)}` : "");

const problem = (
  label: string,
  method: string,
  path: string,
  expect: number[],
  extra: Partial<ApiCase> = {},
) => printable<ApiCase>({ label, method, path, headers: { ...BEARER }, expect, format: "problem", ...extra });

/** Authorization headers that must not pass: none, other schemes, wrong or altered tokens. */
const badAuthorization: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "",
    "Bearer",
    "Bearer ",
    `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}`,
    `Token ${TOKEN}`,
    TOKEN,
    `Bearer\t${TOKEN}`,
    `Bearer ${TOKEN} extra`,
    `Bearer ${TOKEN.toUpperCase()}`,
    `Bearer ${TOKEN}x`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer "${TOKEN}"`,
    `Bearer ${Buffer.from(TOKEN).toString("base64")}`,
  ),
  fc
    .string({ unit: "binary-ascii", minLength: 1, maxLength: 60 })
    .filter((token) => /^[\x21-\x7e]+$/.test(token) && token !== TOKEN)
    .map((token) => `Bearer ${token}`),
);

const OPERATOR_ROUTES: Array<{ method: string; path: string; body?: string }> = [
  { method: "GET", path: "/v1/prospects/hubspot%3A51234" },
  { method: "GET", path: "/v1/call-queue?owner=rep-7" },
  { method: "GET", path: "/v1/exports/recycled?week=2026-W47" },
  { method: "GET", path: "/v1/suppressions" },
  { method: "POST", path: "/v1/suppressions", body: '{"email":"dana@northwind.example"}' },
  { method: "DELETE", path: "/v1/suppressions/dana%40northwind.example" },
];

/** Every operator route, with a valid request but a bad token: 401 and a Bearer challenge. */
const unauthenticated = fc
  .tuple(fc.constantFrom(...OPERATOR_ROUTES), badAuthorization)
  .map(([route, authorization]) =>
    printable<ApiCase>({
      label: `bearer: ${authorization === undefined ? "missing" : JSON.stringify(authorization)}`,
      method: route.method,
      path: route.path,
      headers: {
        ...(route.body ? { "content-type": "application/json" } : {}),
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(route.body ? { body: route.body } : {}),
      expect: [401],
      format: "problem",
    }),
  );

/** Path segments: anything, percent-encoded; raw broken escapes; longer than any stored key. */
const segment = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 60 }).map(encodeURIComponent),
  loneSurrogate.map((text) => `${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, "x"))}%ED%A0%80`),
  fc.constantFrom("%", "%E0%A4%A", "%ZZ", "%C0%AF", "%FF", "%00", "..", ".", "%2e%2e", "a%2Fb", "%20"),
  tooLong(200, 4000).map(encodeURIComponent),
);

const prospectLookups = segment.map((id) => problem("unknown prospect", "GET", `/v1/prospects/${id}`, [404]));

const badLimit = fc
  .oneof(
    fc.constantFrom("", "0", "-1", "201", "1.5", "abc", "1e3", "NaN", "Infinity", "9".repeat(400), "50abc"),
    fc.string({ maxLength: 8 }),
  )
  .filter((text) => {
    const n = Number(text);
    return !(Number.isInteger(n) && n >= 1 && n <= 200);
  });
const badCursor = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.constantFrom("e30", "eyJhZnRlciI6MX0", Buffer.from('{"after":null}').toString("base64url"), "%%%"),
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((value) => !(typeof value === "object" && value !== null && "after" in value))
    .map((value) => Buffer.from(JSON.stringify(value) ?? "null").toString("base64url")),
);
/**
 * A cursor of the right shape that this API never returned. Naming a sort key DynamoDB accepts (1-1024
 * bytes) it may get a page (200); empty or longer, only a refusal (decodeCursor). Never a 5xx.
 */
const forgedCursor = fc
  .oneof(fc.string({ unit: "binary", maxLength: 300 }), tooLong(1024, 2000))
  .map((after) => ({
    cursor: Buffer.from(JSON.stringify({ after })).toString("base64url"),
    expect: after.length > 0 && Buffer.byteLength(after) <= 1024 ? [200, 422] : [422],
  }));
const badOwner = fc.oneof(fc.constant(""), tooLong(200, 1000));

/** GET /v1/call-queue with at least one bad parameter. */
const callQueue = fc
  .record({
    bad: fc.oneof(
      badLimit.map((v): [string, string] => ["limit", v]),
      badDateTime.map((v): [string, string] => ["dueBefore", v]),
      badOwner.map((v): [string, string] => ["owner", v]),
      badCursor.map((v): [string, string] => ["cursor", v]),
    ),
    good: fc.subarray<[string, string]>([
      ["owner", "rep-7"],
      ["limit", "10"],
      ["dueBefore", "2026-11-20T00:00:00Z"],
    ]),
  })
  .map(({ bad, good }) =>
    problem(
      `call-queue ${bad[0]}`,
      "GET",
      `/v1/call-queue${query([...good.filter(([k]) => k !== bad[0]), bad])}`,
      [422],
    ),
  );

/** A week id that names no ISO week: wrong shape, week 00 or past 53, or unsupported years. */
const badWeek = fc.oneof(
  fc.string({ maxLength: 12 }).filter((text) => !/^\d{4}-W\d{2}$/.test(text)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom(0, ...Array.from({ length: 46 }, (_, i) => 54 + i)),
    )
    .map(([y, w]) => `${String(y).padStart(4, "0")}-W${String(w).padStart(2, "0")}`),
  fc.constantFrom(
    "2026-w48",
    "2026W48",
    "2026-W4",
    "2026-W048",
    "26-W48",
    "2026-W48-1",
    " 2026-W48",
    "2025-W53",
    "2027-W53",
  ),
);

const exports = fc
  .oneof(
    badWeek.map((week) => [["week", week]] as Array<[string, string]>),
    fc
      .tuple(fc.option(fc.constant("2026-W47"), { nil: undefined }), badOwner)
      .map(
        ([week, owner]) => [...(week ? [["week", week]] : []), ["owner", owner]] as Array<[string, string]>,
      ),
  )
  .map((params) =>
    problem(
      `export ${params.map(([k]) => k).join(",")}`,
      "GET",
      `/v1/exports/recycled${query(params)}`,
      [422],
    ),
  );

const forged = fc
  .tuple(fc.constantFrom("/v1/call-queue", "/v1/call-queue?owner=rep-7&", "/v1/suppressions"), forgedCursor)
  .map(([path, { cursor, expect }]) => {
    const url = path.includes("?") ? `${path}cursor=${cursor}` : `${path}?cursor=${cursor}`;
    return problem("forged cursor", "GET", url, expect);
  });

const suppressionList = fc
  .oneof(
    badLimit.map((v): [string, string] => ["limit", v]),
    badCursor.map((v): [string, string] => ["cursor", v]),
  )
  .map((param) => problem(`suppressions ${param[0]}`, "GET", `/v1/suppressions${query([param])}`, [422]));

/** POST /v1/suppressions bodies that must be refused; none of them may add an address. */
const suppressionBody = fc.oneof(
  fc
    .record({ email: badEmail as fc.Arbitrary<Json> })
    .map((body) => ({ body: JSON.stringify(body), expect: [422] })),
  fc.record({ email: wrongType("string") }).map((body) => ({ body: JSON.stringify(body), expect: [422] })),
  fc
    .record({
      email: fc.constant("dana@northwind.example"),
      reason: fc.oneof(wrongType("string"), fc.constantFrom("", "   ", "\n\t"), tooLong(200, 500)),
    })
    .map((body) => ({ body: JSON.stringify(body), expect: [422] })),
  fc.record({ reason: fc.constant("manual") }).map((body) => ({ body: JSON.stringify(body), expect: [422] })),
  wrongType("object").map((body) => ({ body: JSON.stringify(body), expect: [422] })),
  fc
    .record({ email: loneSurrogate.map((s) => `${s}@northwind.example`) })
    .map((body) => ({ body: JSON.stringify(body), expect: [400] })),
  fc
    .record({ email: fc.constant("dana@northwind.example"), reason: loneSurrogate })
    .map((body) => ({ body: JSON.stringify(body), expect: [400] })),
  fc
    .constantFrom(
      "",
      "{",
      '{"email":',
      "email=dana@northwind.example",
      '\ufeff{"email":"dana@northwind.example"}',
    )
    .map((body) => ({ body, expect: [400] })),
  fc.integer({ min: 4097, max: 200_000 }).map((size) => ({
    body: `{"email":"dana@northwind.example","reason":"${"r".repeat(size)}"}`,
    expect: [413],
  })),
);
const suppressionPosts = fc.oneof(
  {
    weight: 5,
    arbitrary: suppressionBody.map(({ body, expect }) =>
      problem("add suppression", "POST", "/v1/suppressions", expect, {
        headers: { ...BEARER, "content-type": "application/json" },
        body,
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("text/plain", "application/x-www-form-urlencoded", "application/jsonx")
      .map((type) =>
        problem(`add suppression as ${type}`, "POST", "/v1/suppressions", [415], {
          headers: { ...BEARER, "content-type": type },
          body: '{"email":"dana@northwind.example"}',
        }),
      ),
  },
);

const suppressionDeletes = segment.map((email) =>
  problem("remove unknown suppression", "DELETE", `/v1/suppressions/${email}`, [404], { deletes: true }),
);

/** /u/{token}: a real token changed by one character, cut, extended, or not a token at all. */
const REAL_TOKEN = signUnsubscribeToken(UNSUBSCRIBE_KEY, {
  prospectId: "hubspot:51234",
  email: "dana.lee@northwind.example",
});
const badToken = fc.oneof(
  fc
    .tuple(fc.nat(REAL_TOKEN.length - 1), fc.constantFrom(..."ABCabc0189-_."))
    .map(([at, ch]) => `${REAL_TOKEN.slice(0, at)}${ch}${REAL_TOKEN.slice(at + 1)}`)
    .filter((token) => token !== REAL_TOKEN),
  fc.nat(REAL_TOKEN.length - 1).map((cut) => REAL_TOKEN.slice(0, cut)),
  fc.constantFrom(
    `${REAL_TOKEN}.`,
    `${REAL_TOKEN}A`,
    `.${REAL_TOKEN}`,
    REAL_TOKEN.split(".").reverse().join("."),
    `${REAL_TOKEN.split(".")[0]}.`,
    signUnsubscribeToken("another-key-0123456789", { prospectId: "p", email: "a@b.example" }),
  ),
  fc.string({ minLength: 1, maxLength: 300 }),
);
const unsubscribes = fc
  .tuple(
    badToken.map(encodeURIComponent).filter((t) => t.length > 0 && t !== "." && t !== ".."),
    fc.constantFrom("GET", "POST"),
  )
  .map(([token, method]) =>
    printable<ApiCase>({
      label: `unsubscribe ${method}`,
      method,
      path: `/u/${token}`,
      headers: method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {},
      ...(method === "POST" ? { body: "List-Unsubscribe=One-Click" } : {}),
      expect: [400],
      format: "html",
    }),
  );

const unknownRoutes = fc
  .tuple(
    fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
    fc.oneof(
      segment.map((s) => `/${s}`),
      fc.constantFrom(
        "/v1",
        "/v1/",
        "/v1/events",
        "/v1/prospects",
        "/v1/prospects/a/b",
        "/v1/call-queue/x",
        "/V1/events",
        "/openapi.yaml",
        "/_dev/clock",
      ),
    ),
  )
  .filter(
    ([method, path]) =>
      !(method === "POST" && path === "/v1/events") && !["/health", "/openapi.json"].includes(path),
  )
  .map(([method, path]) => problem(`no route ${method} ${path}`, method, path, [404, 405]));

export const operatorCase: fc.Arbitrary<ApiCase> = fc.oneof(
  { weight: 4, arbitrary: unauthenticated },
  { weight: 2, arbitrary: prospectLookups },
  { weight: 2, arbitrary: callQueue },
  { weight: 2, arbitrary: exports },
  { weight: 1, arbitrary: suppressionList },
  { weight: 1, arbitrary: forged },
  { weight: 2, arbitrary: suppressionPosts },
  { weight: 1, arbitrary: suppressionDeletes },
  { weight: 2, arbitrary: unsubscribes },
  { weight: 1, arbitrary: unknownRoutes },
);
