/**
 * A template file as a team writes it (see templates.ts for the format): YAML front matter with the
 * subject, the text body, an optional `--- html ---` part. Splitting a file into its parts is the
 * only step that needs a YAML parser, so it lives here, apart from compiling and rendering
 * (templates.ts): a Lambda bundle carries its templates already split at build time
 * (stacks/bundle.ts) and leaves the YAML parser out.
 */
import { LineCounter, parseDocument } from "yaml";
import { RedialError } from "../errors.ts";
import {
  compileTemplate,
  eachTemplate,
  type ParsedTemplate,
  TemplateSet,
  templateProblem,
} from "./templates.ts";

/** One part's Liquid source and the file line it starts on (to point errors at the file). */
export interface PartSource {
  line: number;
  source: string;
}

/** A template file split into its parts: plain data, as a bundle embeds it. */
export interface TemplateParts {
  name: string;
  subject: PartSource;
  text: PartSource;
  /** Present when the file has a `--- html ---` part; otherwise the HTML is made from the text. */
  html?: PartSource;
}

const TEMPLATE_NAME = /^[a-z0-9-]+$/;
const HTML_SEPARATOR = "--- html ---";

/** Splits one template file. Throws RedialError("invalid") naming the template and the file line. */
export function splitTemplate(name: string, source: string): TemplateParts {
  if (!TEMPLATE_NAME.test(name)) {
    throw new RedialError("invalid", `Template name "${name}" must be lowercase words joined by -`);
  }
  const lines = source
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  const fail = (line: number, message: string) => templateProblem(name, line, message);

  if (lines[0]?.trim() !== "---") {
    throw fail(1, 'must start with front matter: a line "---", "subject: …", and a line "---"');
  }
  const close = lines.findIndex((line, i) => i > 0 && line.trim() === "---");
  if (close < 0) throw fail(1, 'the front matter is never closed by a line "---"');

  // Front matter: lines 2 … close (1-based), YAML.
  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, close).join("\n"), { lineCounter });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = (yamlError.linePos?.[0].line ?? 1) + 1;
    throw fail(line, `front matter is not valid YAML: ${yamlError.message.split("\n")[0]}`);
  }
  const matter: unknown = doc.toJS();
  if (matter === null || typeof matter !== "object" || Array.isArray(matter)) {
    throw fail(2, "the front matter must be a mapping with a subject");
  }
  const lineOf = (key: string) => {
    const node = doc.get(key, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    return 2 + (offset === undefined ? 0 : lineCounter.linePos(offset).line - 1);
  };
  for (const key of Object.keys(matter)) {
    if (key !== "subject") throw fail(lineOf(key), `unknown front matter key "${key}" (only subject)`);
  }
  const subject = (matter as { subject?: unknown }).subject;
  if (subject === undefined) throw fail(2, "the front matter has no subject");
  if (typeof subject !== "string" || !subject.trim()) {
    throw fail(
      lineOf("subject"),
      "subject must be non-empty text (quote it: YAML reads an unquoted {{ … }} as a mapping)",
    );
  }

  // Body: the text, then optionally the HTML after a line "--- html ---".
  const bodyStart = close + 1; // 0-based index of the first body line
  const separator = lines.findIndex((line, i) => i >= bodyStart && line.trim() === HTML_SEPARATOR);
  const textLines = lines.slice(bodyStart, separator < 0 ? undefined : separator);
  if (!textLines.join("").trim()) throw fail(bodyStart + 1, "the plain-text body is empty");
  const htmlLines = separator < 0 ? undefined : lines.slice(separator + 1);
  if (htmlLines && !htmlLines.join("").trim()) throw fail(separator + 1, "the HTML part is empty");

  return {
    name,
    subject: { line: lineOf("subject"), source: subject },
    text: { line: bodyStart + 1, source: textLines.join("\n") },
    ...(htmlLines ? { html: { line: separator + 2, source: htmlLines.join("\n") } } : {}),
  };
}

/** Splits and compiles one template file. Throws RedialError("invalid") naming the template and line. */
export function parseTemplate(name: string, source: string): ParsedTemplate {
  return compileTemplate(splitTemplate(name, source));
}

/** Every template file of a team (name → file text), parsed once; lists every malformed one at once. */
export function parseTemplates(sources: Readonly<Record<string, string>>): TemplateSet {
  return new TemplateSet(eachTemplate(Object.entries(sources), parseTemplate));
}

/** Every file split, for a bundle to embed; lists every malformed one at once. */
export function splitTemplates(sources: Readonly<Record<string, string>>): Record<string, TemplateParts> {
  return Object.fromEntries(
    eachTemplate(Object.entries(sources), splitTemplate).map((parts) => [parts.name, parts]),
  );
}
