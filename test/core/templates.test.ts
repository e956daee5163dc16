import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  checkPlaybookTemplates,
  footer,
  parseTemplate,
  parseTemplates,
  RedialError,
  type TemplateVars,
  withFooter,
} from "@redial/core";
import { describe, expect, it } from "vitest";
import { playbook } from "../support/core.ts";

const dir = fileURLToPath(new URL("../../playbook/templates/", import.meta.url));
const sources = Object.fromEntries(
  readdirSync(dir)
    .filter((file) => file.endsWith(".liquid"))
    .map((file) => [file.replace(/\.liquid$/, ""), readFileSync(`${dir}${file}`, "utf8")]),
);
const templates = parseTemplates(sources);
const referenced = [
  ...new Set(Object.values(playbook.sequences).flatMap((s) => s.steps.map((step) => step.template))),
];

const full: TemplateVars = {
  prospect: { firstName: "Dana", lastName: "Reyes", company: "Northwind Logistics", title: "VP Operations" },
  owner: { name: "Sam Carter", firstName: "Sam", signature: "Sam Carter\nAccount Executive, Acme" },
  team: { name: "Acme" },
};
const bare: TemplateVars = { prospect: {}, owner: { name: "Sam Carter" } };

/** Throws and returns the error, so a test can look at it. */
function thrown(run: () => unknown): RedialError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RedialError);
    return error as RedialError;
  }
  throw new Error("expected a RedialError");
}

describe("the default templates", () => {
  it("exist for every template the playbook references, and nothing is missing", () => {
    expect(referenced.sort()).toEqual([
      "bad-time-note",
      "keep-warm",
      "nurture-1",
      "nurture-2",
      "nurture-3",
      "nurture-4",
      "voicemail-followup",
    ]);
    expect(checkPlaybookTemplates(playbook, templates)).toEqual([]);
  });

  it.each(referenced)("%s renders with a full prospect", (name) => {
    const email = templates.render(name, full);
    expect(email.subject.trim()).not.toBe("");
    expect(email.subject).not.toMatch(/\n/);
    for (const part of [email.subject, email.text, email.html]) expect(part).not.toMatch(/\{\{|\{%|%\}|\}\}/);
    expect(email.text).toContain("Dana");
    expect(email.text).toContain("Sam Carter");
    expect(email.html).toContain("Dana");
    expect(email.html).toContain("Sam Carter<br>");
    expect(email.html).toMatch(/^<p>Hi Dana,<\/p>/);
    // G4's link and address are the footer's, never a template's.
    expect(email.text).not.toMatch(/unsubscribe/i);
  });

  it.each(referenced)(
    "%s renders without first name, company, title, signature or team: defaults apply",
    (name) => {
      const email = templates.render(name, bare);
      expect(email.subject.trim()).not.toBe("");
      expect(email.subject).not.toMatch(/,\s*$|there$/);
      expect(email.text).toMatch(/^Hi there,/);
      expect(email.text).toContain("Sam Carter");
      expect(email.text).not.toMatch(/undefined|null|\{\{/);
      expect(email.text).not.toMatch(/ {2}| ,| \./); // no hole where a missing value was
    },
  );

  it("the bad-time note is not an apology; the voicemail follow-up says when the rep calls again", () => {
    const note = templates.render("bad-time-note", full).text;
    expect(note).toContain("I may have caught you at a bad time");
    expect(note).not.toMatch(/sorry|apolog/i);
    expect(templates.render("voicemail-followup", full).text).toMatch(/voicemail[\s\S]*call again in/);
    expect(templates.render("nurture-4", full).text).toMatch(/call again in a few months/);
  });
});

describe("checkPlaybookTemplates", () => {
  it("names every step whose template is missing", () => {
    const { "nurture-2": _, ...rest } = sources;
    expect(checkPlaybookTemplates(playbook, parseTemplates(rest))).toEqual([
      {
        path: "sequences.nurture.steps[1].template",
        message: 'No template named "nurture-2"',
        template: "nurture-2",
      },
    ]);
  });
});

describe("rendering (G5)", () => {
  const set = parseTemplates({
    strict:
      "---\nsubject: Hello {{ prospect.firstName }}\n---\nHi,\n\nYour company is {{ prospect.company }}.\n",
    html: "---\nsubject: 'For {{ prospect.company }}'\n---\nAbout {{ prospect.company }}\n--- html ---\n<p>About <b>{{ prospect.company }}</b></p>\n",
  });

  it("a missing variable without a default throws a RedialError naming the template and the variable", () => {
    const error = thrown(() =>
      set.render("strict", { prospect: { firstName: "Dana" }, owner: { name: "Sam" } }),
    );
    expect(error.kind).toBe("invalid");
    expect(error.message).toMatch(/^Template strict needs prospect\.company: .*line 6/);
    expect(error.errors).toEqual([{ path: "prospect.company", message: expect.stringContaining("strict") }]);
  });

  it("nothing half-rendered is returned: a missing variable in the subject fails the whole email", () => {
    let result: unknown;
    const error = thrown(() => {
      result = set.render("strict", { prospect: { company: "Acme" }, owner: { name: "Sam" } });
    });
    expect(error.message).toMatch(/needs prospect\.firstName/);
    expect(result).toBeUndefined();
  });

  it("reads own properties only", () => {
    const proto = parseTemplates({ p: "---\nsubject: x\n---\n{{ prospect.constructor }}" });
    expect(() => proto.render("p", { prospect: {}, owner: { name: "Sam" } })).toThrow(
      /needs prospect\.constructor/,
    );
  });

  it("escapes values in the HTML part, keeps them verbatim in the text part and the subject", () => {
    const company = `<script>alert("x")</script> & Co`;
    const email = set.render("html", { prospect: { company }, owner: { name: "Sam" } });
    expect(email.subject).toBe(`For ${company}`);
    expect(email.text).toBe(`About ${company}`);
    expect(email.html).toBe("<p>About <b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co</b></p>");
    const generated = parseTemplates({ t: "---\nsubject: s\n---\nAt {{ prospect.company }}\n" }).render("t", {
      prospect: { company },
      owner: { name: "Sam" },
    });
    expect(generated.html).toBe("<p>At &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co</p>");
    expect(generated.text).toBe(`At ${company}`);
  });

  it("makes the subject one trimmed line", () => {
    const multi = parseTemplates({ m: "---\nsubject: '  {{ prospect.company }}  '\n---\nbody" });
    expect(multi.render("m", { prospect: { company: "A\r\nB" }, owner: { name: "Sam" } }).subject).toBe(
      "A B",
    );
  });

  it("an unknown template is a RedialError", () => {
    expect(() => set.render("nope", bare)).toThrow(/No template named "nope"/);
  });
});

describe("parseTemplate: a malformed template names itself and the line", () => {
  const cases: [string, string, RegExp][] = [
    ["no front matter", "Hi there", /^Template t, line 1: must start with front matter/],
    ["unclosed front matter", "---\nsubject: x\nHi", /^Template t, line 1: .*never closed/],
    [
      "bad YAML",
      "---\nsubject: x\n  bad: [\n---\nHi",
      /^Template t, line \d: front matter is not valid YAML/,
    ],
    ["no subject", "---\nfoo: 1\n---\nHi", /^Template t, line 2: unknown front matter key "foo"/],
    ["unquoted Liquid subject", "---\nsubject: {{ x }}\n---\nHi", /^Template t, line 2: subject must be/],
    ["unclosed output", "---\nsubject: x\n---\nHi\n\nThere {{ prospect.firstName\n", /^Template t, line 6: /],
    [
      "unclosed tag",
      "---\nsubject: x\n---\nHi\n{% if prospect.title %}\n",
      /^Template t, line 5: .*not closed/,
    ],
    [
      "unknown filter",
      "---\nsubject: x\n---\nHi\n\n\n{{ owner.name | shout }}",
      /^Template t, line 7: undefined filter: shout/,
    ],
    [
      "bad subject",
      "---\n\nsubject: 'Hi {{ x | nope }}'\n---\nHi",
      /^Template t, line 3: undefined filter: nope/,
    ],
    [
      "a partial",
      "---\nsubject: x\n---\n{% include 'secrets' %}",
      /^Template t, line 4: .*include.*not available/,
    ],
    ["empty body", "---\nsubject: x\n---\n\n", /^Template t, line 4: the plain-text body is empty/],
    ["bad HTML part", "---\nsubject: x\n---\nHi\n--- html ---\n<p>{{ x </p>", /^Template t, line 6: /],
  ];
  it.each(cases)("%s", (_, source, message) => {
    const error = thrown(() => parseTemplate("t", source));
    expect(error.kind).toBe("invalid");
    expect(error.message).toMatch(message);
  });

  it("TemplateSet reports every malformed template at once", () => {
    const error = thrown(() =>
      parseTemplates({
        a: "nope",
        b: "---\nsubject: x\n---\n{{ x | nope }}",
        ok: sources["keep-warm"] ?? "",
      }),
    );
    expect(error.message).toMatch(
      /^2 templates are malformed:\n {2}Template a, line 1: .*\n {2}Template b, line 4: /,
    );
  });

  it("parses front matter, text and an optional HTML part", () => {
    const parsed = parseTemplate("t", "---\nsubject: s\n---\nText\n--- html ---\n<p>HTML</p>");
    expect(parsed.name).toBe("t");
    expect(parsed.text.line).toBe(4);
    expect(parsed.html?.line).toBe(6);
    expect(parseTemplate("t", "---\r\nsubject: s\r\n---\r\nText\r\n").html).toBeUndefined();
  });
});

describe("footer (G4)", () => {
  const foot = footer({
    unsubscribeUrl: "https://redial.acme.example/u/abc?x=1&y=2",
    postalAddress: "Acme Inc.\n1 Main St, Springfield",
  });

  it("has the unsubscribe link and the postal address in both parts", () => {
    const email = withFooter(templates.render("nurture-1", full), foot);
    expect(email.text).toContain("Unsubscribe: https://redial.acme.example/u/abc?x=1&y=2");
    expect(email.text).toContain("Acme Inc.\n1 Main St, Springfield");
    expect(email.text.indexOf("Sam Carter")).toBeLessThan(email.text.indexOf("Unsubscribe"));
    expect(email.html).toContain('<a href="https://redial.acme.example/u/abc?x=1&amp;y=2">Unsubscribe</a>');
    expect(email.html).toContain("Acme Inc.<br>\n1 Main St, Springfield");
    expect(email.subject).toBe(templates.render("nurture-1", full).subject);
  });

  it("goes before </body> in a full HTML document", () => {
    const email = withFooter({ subject: "s", text: "t", html: "<html><body><p>x</p></body></html>" }, foot);
    expect(email.html).toMatch(/<p>x<\/p><hr[\s\S]*Unsubscribe<\/a><\/p>\n<\/body><\/html>$/);
  });

  it("refuses a footer without a usable link or an address", () => {
    expect(() => footer({ unsubscribeUrl: "javascript:alert(1)", postalAddress: "x" })).toThrow(RedialError);
    expect(() => footer({ unsubscribeUrl: "https://x.example/u", postalAddress: "  " })).toThrow(
      /postal address/,
    );
  });
});
