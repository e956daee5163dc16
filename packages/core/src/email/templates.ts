/**
 * Email templates: Liquid with YAML front matter, compiled once and rendered synchronously. Pure: the
 * caller reads the files (packages/functions/src/templates.ts) and appends the G4 footer. Splitting a
 * file into subject, text and HTML (the YAML part) is template-file.ts; this module compiles the parts
 * and renders them, with Liquid only.
 *
 * A template file:
 *
 *     ---
 *     subject: 'Quick follow-up, {{ prospect.firstName | default: "there" }}'
 *     ---
 *     Hi {{ prospect.firstName | default: "there" }},
 *     …the plain-text body…
 *     --- html ---
 *     <p>…an optional HTML body; without it, the HTML is made from the text…</p>
 *
 * G5: a variable that is missing and has no `default` fails the whole render with a RedialError naming
 * the template and the variable; nothing half-rendered is ever returned.
 */
import { Liquid, type LiquidOptions, type Template as LiquidTemplate, Tag, type TagToken } from "liquidjs";
import { type FieldError, RedialError } from "../errors.ts";
import type { Playbook } from "../schemas/playbook.ts";
import type { PartSource, TemplateParts } from "./template-file.ts";

/** What a template may use. Only `owner.name` is always there; anything else needs `| default: …`. */
export interface TemplateVars {
  prospect: {
    firstName?: string;
    lastName?: string;
    company?: string;
    title?: string;
    [field: string]: unknown;
  };
  owner: { name: string; firstName?: string; signature?: string; [field: string]: unknown };
  team?: { name?: string; [field: string]: unknown };
  [name: string]: unknown;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** One compiled part of a template and the file line it starts on (to point errors at the file). */
export interface CompiledPart {
  readonly line: number;
  readonly templates: LiquidTemplate[];
}

export interface ParsedTemplate {
  readonly name: string;
  readonly subject: CompiledPart;
  readonly text: CompiledPart;
  /** Present when the file has a `--- html ---` part; otherwise the HTML is made from the text. */
  readonly html?: CompiledPart;
}

export interface Footer {
  text: string;
  html: string;
}

// Partials would read files (or fail only at send time): rejected when the template is parsed.
class NoPartials extends Tag {
  constructor(token: TagToken, remain: ConstructorParameters<typeof Tag>[1], liquid: Liquid) {
    super(token, remain, liquid);
    throw new Error(`{% ${token.name} %} is not available in email templates`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

const OPTIONS: LiquidOptions = {
  strictVariables: true, // G5: a missing variable fails the render…
  lenientIf: true, // …unless it has a `| default:` (or is only tested by `{% if %}`)
  strictFilters: true, // a typo in a filter name fails at load, not at send time
  ownPropertyOnly: true, // no `prospect.constructor` and friends
  templates: {}, // never the file system
  timezoneOffset: 0, // deterministic `date` filter, whatever the machine's zone
  locale: "en-US",
};

function engine(options: LiquidOptions): Liquid {
  const liquid = new Liquid(options);
  for (const tag of ["include", "render", "layout"]) liquid.registerTag(tag, NoPartials);
  return liquid;
}

/** Subject and text: rendered verbatim (plain text escapes nothing). */
const textEngine = engine(OPTIONS);
/**
 * An author-written HTML part: every `{{ … }}` is HTML-escaped by the engine itself (opt out with
 * `| raw`), so a company named `<script>` cannot inject markup and no one has to remember `| escape`.
 * A second instance because `outputEscape` is compiled into the parsed template.
 */
const htmlEngine = engine({ ...OPTIONS, outputEscape: "escape" });

/** A RedialError("invalid") pointing at a template file's line. */
export const templateProblem = (name: string, line: number, message: string) =>
  new RedialError("invalid", `Template ${name}, line ${line}: ${message}`, [
    { path: `${name}:${line}`, message },
  ]);

/** Compiles a split template. Throws RedialError("invalid") naming the template and the file line. */
export function compileTemplate(parts: TemplateParts): ParsedTemplate {
  const compile = (liquid: Liquid, { source, line }: PartSource): CompiledPart => {
    try {
      return { line, templates: liquid.parse(source) };
    } catch (error) {
      const { message, at } = liquidProblem(error);
      throw templateProblem(parts.name, line + (at ?? 1) - 1, message);
    }
  };
  return {
    name: parts.name,
    subject: compile(textEngine, parts.subject),
    text: compile(textEngine, parts.text),
    ...(parts.html ? { html: compile(htmlEngine, parts.html) } : {}),
  };
}

/**
 * `each` over every template; one RedialError("invalid") listing every template's problem (the
 * problem itself when there is one), so a team fixes all its files in one go.
 */
export function eachTemplate<T, R>(entries: [string, T][], each: (name: string, value: T) => R): R[] {
  const problems: RedialError[] = [];
  const results: R[] = [];
  for (const [name, value] of entries) {
    try {
      results.push(each(name, value));
    } catch (error) {
      if (!(error instanceof RedialError)) throw error;
      problems.push(error);
    }
  }
  const [first] = problems;
  if (first && problems.length === 1) throw first;
  if (first) {
    throw new RedialError(
      "invalid",
      `${problems.length} templates are malformed:\n${problems.map((p) => `  ${p.message}`).join("\n")}`,
      problems.flatMap((p) => p.errors),
    );
  }
  return results;
}

/** Every template already split (a bundle's embedded copy), compiled once. */
export function compileTemplates(parts: Readonly<Record<string, TemplateParts>>): TemplateSet {
  return new TemplateSet(eachTemplate(Object.entries(parts), (_name, p) => compileTemplate(p)));
}

/** Every template of a team, compiled once; `render` only runs the compiled templates. */
export class TemplateSet {
  readonly #templates = new Map<string, ParsedTemplate>();

  /** Made by parseTemplates (files, template-file.ts) or compileTemplates (split parts). */
  constructor(templates: Iterable<ParsedTemplate>) {
    for (const template of templates) this.#templates.set(template.name, template);
  }

  get names(): string[] {
    return [...this.#templates.keys()].sort();
  }

  has(name: string): boolean {
    return this.#templates.has(name);
  }

  /**
   * Subject (trimmed, one line), text and HTML, or a RedialError("invalid") naming the template and
   * the missing variable (G5): the caller holds the send and writes the message on the timeline.
   */
  render(name: string, vars: TemplateVars): RenderedEmail {
    const template = this.#templates.get(name);
    if (!template) {
      throw new RedialError("invalid", `No template named "${name}" (known: ${this.names.join(", ")})`);
    }
    const subject = renderPart(template, textEngine, template.subject, vars).replace(/\s+/g, " ").trim();
    if (!subject) throw new RedialError("invalid", `Template ${name} rendered an empty subject`);
    const text = tidyText(renderPart(template, textEngine, template.text, vars));
    const html = template.html
      ? renderPart(template, htmlEngine, template.html, vars).trim()
      : htmlFromText(text);
    return { subject, text, html };
  }
}

function renderPart(template: ParsedTemplate, liquid: Liquid, part: CompiledPart, vars: TemplateVars) {
  // liquidjs answers a missing variable by throwing, even where `default` or `{% if %}` then catches
  // it; capturing the stack of those internal errors was most of a render's time. Rendering is
  // synchronous, so no other code runs before the limit is restored.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return liquid.renderSync(part.templates, vars) as string;
  } catch (error) {
    Error.stackTraceLimit = stackTraceLimit;
    const { message, at, variable } = liquidProblem(error);
    const line = part.line + (at ?? 1) - 1;
    if (variable) {
      const why = "it is missing and the template gives no default";
      throw new RedialError("invalid", `Template ${template.name} needs ${variable}: ${why} (line ${line})`, [
        { path: variable, message: `Missing; template ${template.name} line ${line} gives no default` },
      ]);
    }
    throw new RedialError("invalid", `Template ${template.name}, line ${line}: ${message}`, [
      { path: `${template.name}:${line}`, message },
    ]);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** liquidjs errors say "…, line:2, col:3": keep the message, return the line on its own. */
function liquidProblem(error: unknown): { message: string; at?: number; variable?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  const original = (error as { originalError?: { variableName?: unknown } }).originalError;
  const variable = typeof original?.variableName === "string" ? original.variableName : undefined;
  const message = error.message.replace(/(, file:[^,]*)?, line:\d+, col:\d+$/, "");
  const at = token?.getPosition?.()[0];
  return { message, ...(at !== undefined ? { at } : {}), ...(variable ? { variable } : {}) };
}

/** Trailing spaces off, at most one blank line in a row (`{% if %}` lines leave some), trimmed. */
const tidyText = (text: string) =>
  text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

// The same entities as liquidjs's `escape`, so generated and author-written HTML look alike.
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Paragraphs at blank lines, line breaks kept, everything escaped. */
export const htmlFromText = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replaceAll("\n", "<br>\n")}</p>`)
    .join("\n");

/** G4: a visible unsubscribe link and the team's postal address, for both parts. */
export function footer({
  unsubscribeUrl,
  postalAddress,
}: {
  unsubscribeUrl: string;
  postalAddress: string;
}): Footer {
  if (!/^https?:\/\/\S+$/.test(unsubscribeUrl)) {
    throw new RedialError("invalid", `The unsubscribe link must be an http(s) URL, not "${unsubscribeUrl}"`);
  }
  const address = postalAddress.trim();
  if (!address) throw new RedialError("invalid", "Every email needs the team's postal address (G4)");
  return {
    text: `--\n${address}\nDon't want these emails? Unsubscribe: ${unsubscribeUrl}`,
    html:
      `<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 12px">\n` +
      `<p style="color:#666;font-size:12px">${escapeHtml(address).replaceAll("\n", "<br>\n")}<br>\n` +
      `Don't want these emails? <a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></p>`,
  };
}

/** The rendered email with the footer below the body (before `</body>` in a full HTML document). */
export function withFooter(rendered: RenderedEmail, foot: Footer): RenderedEmail {
  const end = rendered.html.toLowerCase().lastIndexOf("</body>");
  const html =
    end < 0
      ? `${rendered.html}\n${foot.html}`
      : `${rendered.html.slice(0, end)}${foot.html}\n${rendered.html.slice(end)}`;
  return { subject: rendered.subject, text: `${rendered.text}\n\n${foot.text}`, html };
}

/** A sequence step naming a template that does not exist. */
export interface MissingTemplate extends FieldError {
  /** The template's name, e.g. `nurture-2`. */
  template: string;
}

/** Every sequence step whose template does not exist, as `sequences.<name>.steps[i].template`. */
export function checkPlaybookTemplates(
  playbook: Pick<Playbook, "sequences">,
  templates: { has(name: string): boolean },
): MissingTemplate[] {
  const problems: MissingTemplate[] = [];
  for (const [sequence, { steps }] of Object.entries(playbook.sequences)) {
    steps.forEach((step, i) => {
      if (!templates.has(step.template)) {
        problems.push({
          path: `sequences.${sequence}.steps[${i}].template`,
          message: `No template named "${step.template}"`,
          template: step.template,
        });
      }
    });
  }
  return problems;
}
