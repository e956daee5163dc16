import { readFileSync } from "node:fs";
import {
  basicCredentials,
  defaultCrmSettings,
  type Mapped,
  mapPipedrive,
  type PipedriveSettings,
} from "@redial/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainText } from "../../packages/core/src/crm/values.ts";

const settings = defaultCrmSettings().pipedrive;
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/crm/pipedrive/${name}`, import.meta.url), "utf8"));
const map = (body: unknown, custom: PipedriveSettings = settings) => mapPipedrive({ body, settings: custom });
const eventOf = (item: Mapped) => {
  if (item.kind !== "event") throw new Error(`Expected an event, got ${JSON.stringify(item)}`);
  return item.event;
};

const activity = fixture("v2-activity-marked-done.json");
const withActivity = (
  data: Record<string, unknown>,
  previous: Record<string, unknown> | null,
  action = "change",
) => ({
  ...activity,
  data: { ...activity.data, ...data },
  previous,
  meta: { ...activity.meta, action },
});

describe("Pipedrive activities: a call counts when it is done", () => {
  it("maps an activity created done, or marked done, by its type", () => {
    expect(eventOf(map(withActivity({ type: "no_answer" }, null, "create")))).toMatchObject({
      type: "call.no_answer",
      voicemail: false,
      prospect: { id: "pd:88123" },
    });
    expect(eventOf(map(activity))).toMatchObject({ type: "call.no_answer", voicemail: true });
  });

  it("ignores an activity not done, and a done one whose mapped fields did not change", () => {
    expect(map(withActivity({ done: false }, null, "create")).kind).toBe("ignored");
    expect(map(withActivity({ subject: "Call Priya again" }, { subject: "Call Priya" })).kind).toBe(
      "ignored",
    );
  });

  it("keys v2 by meta.id and dates by meta.timestamp; reads an HTML note as text", () => {
    const item = map(withActivity({ note: "<p>Left a message &amp; an email</p>" }, { done: false }));
    expect(item.id).toBe("pipedrive:5a0e7c2d-41b8-4f7e-9d3c-2b6a8e1f0c77");
    expect(eventOf(item)).toMatchObject({
      occurredAt: "2026-11-16T15:04:05.412Z",
      note: "Left a message & an email",
    });
  });

  it("ignores deletions and activities about no person", () => {
    expect(
      map({ ...activity, data: null, previous: activity.data, meta: { ...activity.meta, action: "delete" } }),
    ).toMatchObject({
      kind: "ignored",
      reason: "delete.activity is not mapped",
    });
    expect(map(withActivity({ person_id: null }, { done: false }))).toMatchObject({
      reason: "This activity has no person",
    });
  });
});

describe("Pipedrive deals", () => {
  const lost = fixture("v2-deal-lost.json");

  it.each([
    ["Not interested", { type: "call.rejected", reason: "not_interested" }],
    ["bad timing", { type: "call.rejected", reason: "bad_timing" }],
    ["Not a fit", { type: "prospect.disqualified" }],
    ["Went with someone cheaper", { type: "call.rejected", reason: "other" }],
  ])("maps a deal lost as %s (the reason first, then the status)", (reason, expected) => {
    expect(eventOf(map({ ...lost, data: { ...lost.data, lost_reason: reason } }))).toMatchObject(expected);
  });

  it("maps v1 payloads too: the key from the webhook, object and instant; the person from v1's object", () => {
    const item = map(fixture("v1-deal-won.json"));
    expect(item.id).toBe("pipedrive:v1:4710826:deal:57:1794846000384700");
    expect(eventOf(item)).toMatchObject({
      type: "prospect.converted",
      occurredAt: "2026-11-16T16:20:00.000Z",
      prospect: {
        id: "pd:88125",
        email: "omar@umbrella.example",
        owner: { id: "12415231", name: "Wendy Ward" },
      },
    });
  });
});

describe("Pipedrive owners: a value the event schema refuses is left out, not the event", () => {
  // A v1 deal lost as "Do not contact", its owner a v1 user object whose address the canonical
  // schema refuses (not ASCII): an opt-out that must still apply.
  const won = fixture("v1-deal-won.json");
  const doNotContact = (owner: Record<string, unknown>) => ({
    ...won,
    current: {
      ...won.current,
      status: "lost",
      lost_reason: "Do not contact",
      user_id: { ...won.current.user_id, ...owner },
    },
  });

  it("maps the opt-out (R0) without the owner's address, with a warning naming it", () => {
    const item = map(doNotContact({ email: "renée@acme.example" }));

    expect(item).toMatchObject({
      kind: "event",
      event: { type: "call.rejected", reason: "do_not_contact", prospect: { id: "pd:88125" } },
      warnings: [expect.stringMatching(/^owner\.email "renée@acme\.example" left out: /)],
    });
    expect(eventOf(item).prospect.owner).toEqual({ id: "12415231", name: "Wendy Ward" });
  });

  it("keeps an address the schema takes, with no warning", () => {
    const item = map(doNotContact({ email: "wendy@acme.example" }));

    expect(item).toMatchObject({ kind: "event", warnings: [] });
    expect(eventOf(item).prospect.owner).toEqual({
      id: "12415231",
      email: "wendy@acme.example",
      name: "Wendy Ward",
    });
  });
});

describe("Pipedrive persons and a team's own mapping", () => {
  const person = fixture("v2-person-created.json");

  it("turns a change of a profile field into prospect.updated, and ignores other changes", () => {
    const renamed = {
      ...person,
      data: { ...person.data, last_name: "Shah-Rao" },
      previous: { last_name: "Shah" },
      meta: { ...person.meta, action: "change" },
    };
    expect(eventOf(map(renamed))).toMatchObject({
      type: "prospect.updated",
      prospect: { lastName: "Shah-Rao" },
    });
    const labelled = {
      ...person,
      data: { ...person.data, label: 5 },
      previous: { label: null },
      meta: { ...person.meta, action: "change" },
    };
    expect(map(labelled).kind).toBe("ignored");
  });

  it("maps a custom field (v2 custom_fields.<key>, v1 <key>) and a Pipedrive user to the rep", () => {
    const custom: PipedriveSettings = {
      ...settings,
      owners: { "12415231": { id: "rep-7", email: "wendy@acme.example" } },
      outcomes: { person: { "custom_fields.f00d": { "17": { type: "prospect.opted_out" } } } },
    };
    const optedOut = {
      ...person,
      data: { ...person.data, custom_fields: { f00d: { id: 17, type: "enum" } } },
      previous: { custom_fields: { f00d: null } },
      meta: { ...person.meta, action: "change" },
    };
    expect(eventOf(map(optedOut, custom))).toMatchObject({
      type: "prospect.opted_out",
      prospect: { owner: { id: "rep-7", email: "wendy@acme.example" } },
    });
  });

  it("refuses a body that is neither v1 nor v2, naming the fields", () => {
    expect(() => map({ meta: { version: "2.0", action: "change" } })).toThrow(/v2 payload/);
    expect(() => map({ hello: "world" })).toThrow(/v1 or v2/);
  });
});

describe("Pipedrive notes: HTML made text", () => {
  it("reads ordinary HTML as words: paragraphs and breaks as lines, tags dropped, entities decoded", () => {
    expect(
      plainText(
        "<p>Spoke to <b>Priya</b>:&nbsp;call&nbsp;back in <i>May</i>.</p><p>Budget &gt; 10k &amp; &quot;urgent&quot;, it&#39;s fine.</p>",
      ),
    ).toBe('Spoke to Priya: call back in May.\nBudget > 10k & "urgent", it\'s fine.');
    expect(plainText("Line one<br>Line two<BR/>Line three<br />end<p></p><p></p><p></p>gap")).toBe(
      "Line one\nLine two\nLine three\nend\n\ngap",
    );
    expect(plainText('<div><a href="https://acme.example/x?a=1&amp;b=2">link</a>  and\t\tspaces</div>')).toBe(
      "link and spaces",
    );
    // Entities are decoded after the tags are gone, &amp; last: an escaped tag is text, once.
    expect(plainText("&lt;b&gt;not a tag&lt;/b&gt; &amp;lt;")).toBe("<b>not a tag</b> &lt;");
    expect(plainText("<p></p>  ")).toBeUndefined();
  });

  it("reads runs of '<' as before: a tag runs from a '<' to the next '>'; a '<' with no '>' after it is text", () => {
    expect(plainText("a <<b>bold</b> b")).toBe("a bold b");
    expect(plainText("<p>a</p><<p>b</p>")).toBe("a\nb");
    expect(plainText("1 < 2 and 3 > 2")).toBe("1 2");
    expect(plainText("x << y")).toBe("x << y");
    expect(plainText("<<<<<")).toBe("<<<<<");
    expect(plainText("<b>bold</b> <unclosed and <<more")).toBe("bold <unclosed and <<more");
    expect(plainText("<p>kept</p> then <<<")).toBe("kept\n then <<<");
    // A line break is read before the tags: the '<' before it has no '>' left.
    expect(plainText("<<br>")).toBe("<");
  });

  it("reads any short note as the regex it replaced did (a tag: /<[^>]*>/g)", () => {
    // The former reading, quadratic in a run of '<' with no '>': fine at these lengths.
    const former = (html: string) =>
      html
        .replace(/<br\s*\/?>|<\/p>/gi, "\n")
        .replace(/<[^>]*>/g, "")
        .replace(/&nbsp;/g, " ")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, "&")
        .replace(/[ \t]+/g, " ")
        .replace(/\n{3,}/g, "\n\n")
        .trim() || undefined;
    const pieces = [
      "<",
      ">",
      "<<",
      "<br>",
      "<BR />",
      "</p>",
      "<p>",
      "<b>",
      "a",
      "x y",
      " ",
      "\t",
      "\n",
      "&amp;",
      "&lt;",
      "&",
      ";",
    ];
    const html = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(html, (note) => plainText(note) === former(note)),
      { numRuns: 2_000 },
    );
  });

  it("reads at most 64,000 characters of HTML (32 times the 2,000 a note keeps); a tag the cut splits is dropped", () => {
    // Length and end, so a failure prints a line rather than 64,000 characters.
    const shape = (text: string | undefined) => ({ length: text?.length, end: text?.slice(-10) });
    expect(shape(plainText(`${"a".repeat(64_000)}${"b".repeat(1_000)}`))).toEqual({
      length: 64_000,
      end: "aaaaaaaaaa",
    });
    expect(shape(plainText(`${"a".repeat(63_995)}<span style="color:red">b</span>`))).toEqual({
      length: 63_995,
      end: "aaaaaaaaaa",
    });
  });

  it("keeps no note when the HTML holds no text (not the raw markup)", () => {
    const item = map(withActivity({ note: "<p></p><br/>" }, { done: false }));
    expect(eventOf(item).note).toBeUndefined();
  });

  it("maps an activity whose note is 100,000 '<' (no tag in it), keeping the 2,000 a note holds", () => {
    const item = map(withActivity({ note: "<".repeat(100_000) }, { done: false }));
    expect(eventOf(item).note).toBe("<".repeat(2_000));
  });
});

describe("HTTP Basic credentials", () => {
  it("reads user and password, the password may contain ':'", () => {
    const header = `Basic ${Buffer.from("pipedrive:pa:ss").toString("base64")}`;
    expect(basicCredentials(header)).toEqual({ user: "pipedrive", password: "pa:ss" });
    expect(basicCredentials("Bearer x")).toBeUndefined();
    expect(basicCredentials(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeUndefined();
  });
});
