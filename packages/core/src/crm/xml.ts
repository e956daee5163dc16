/**
 * A small, strict XML parser for one fixed shape: a SOAP 1.1 envelope as Salesforce's Outbound
 * Messages send it. No dependency and nothing an attacker could lean on: a DOCTYPE is refused outright
 * (so no entity can be declared, expanded or fetched: no XXE, no billion laughs), only the five
 * predefined entities and character references are decoded, processing instructions other than the
 * XML declaration are refused, and depth and element count are bounded. Namespaces are resolved, so
 * the caller can check it holds the envelope it expects and not one that merely looks like it.
 */
import { RedialError } from "../errors.ts";

export interface XmlElement {
  /** The local name (`Envelope` of `soapenv:Envelope`). */
  name: string;
  /** The namespace URI the element's prefix (or the default namespace) is bound to. */
  ns: string | undefined;
  /** Attributes by their name as written (`xsi:type`), values decoded. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA, not its children's), decoded. */
  text: string;
}

const MAX_DEPTH = 32;
const MAX_ELEMENTS = 100_000;
const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

const malformed = (message: string) =>
  new RedialError("malformed", `The body is not the XML expected: ${message}`);

/** Character and predefined entity references → text; any other `&` is an error. */
function decode(raw: string, at: number): string {
  return raw.replace(/&([^;&]*);?/g, (match, ref: string) => {
    if (!match.endsWith(";")) throw malformed(`a bare "&" near offset ${at}`);
    const predefined = PREDEFINED[ref];
    if (predefined) return predefined;
    const code = /^#x([0-9a-fA-F]{1,6})$/.exec(ref)?.[1] ?? /^#(\d{1,7})$/.exec(ref)?.[1];
    if (code !== undefined) {
      const point = ref.startsWith("#x") ? Number.parseInt(code, 16) : Number(code);
      if (point === 0 || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))
        throw malformed(`character reference &${ref}; is not a character`);
      return String.fromCodePoint(point);
    }
    throw malformed(`entity &${ref}; is not defined (entities are not accepted)`);
  });
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  let elements = 0;

  const skipWhitespace = () => {
    while (i < source.length && /\s/.test(source[i] as string)) i++;
  };
  /** Comments and whitespace, as allowed before and after the root element. */
  const skipMisc = () => {
    for (;;) {
      skipWhitespace();
      if (source.startsWith("<!--", i)) {
        const end = source.indexOf("-->", i + 4);
        if (end < 0) throw malformed("an unterminated comment");
        i = end + 3;
      } else return;
    }
  };

  skipWhitespace();
  if (source.startsWith("<?xml", i)) {
    const end = source.indexOf("?>", i);
    if (end < 0) throw malformed("an unterminated XML declaration");
    i = end + 2;
  }
  skipMisc();
  if (source.startsWith("<!DOCTYPE", i) || source.includes("<!DOCTYPE"))
    throw malformed("a DOCTYPE is not accepted");
  if (source.startsWith("<?", i)) throw malformed("processing instructions are not accepted");

  const element = (scope: Record<string, string>, depth: number): XmlElement => {
    if (depth > MAX_DEPTH) throw malformed(`nested deeper than ${MAX_DEPTH} levels`);
    if (++elements > MAX_ELEMENTS) throw malformed(`more than ${MAX_ELEMENTS} elements`);
    if (source[i] !== "<") throw malformed(`expected an element at offset ${i}`);
    i++;
    const qname = NAME.exec(source.slice(i, i + 200))?.[0];
    if (!qname) throw malformed(`a bad element name at offset ${i}`);
    i += qname.length;

    const attributes: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipWhitespace();
      if (source.startsWith("/>", i) || source[i] === ">") break;
      if (i === before) throw malformed(`expected whitespace before an attribute at offset ${i}`);
      const attribute = NAME.exec(source.slice(i, i + 200))?.[0];
      if (!attribute) throw malformed(`a bad attribute name at offset ${i}`);
      i += attribute.length;
      skipWhitespace();
      if (source[i] !== "=") throw malformed(`expected = after ${attribute}`);
      i++;
      skipWhitespace();
      const quote = source[i];
      if (quote !== '"' && quote !== "'") throw malformed(`expected a quoted value for ${attribute}`);
      const end = source.indexOf(quote, i + 1);
      if (end < 0) throw malformed(`an unterminated value for ${attribute}`);
      const raw = source.slice(i + 1, end);
      if (raw.includes("<")) throw malformed(`"<" in the value of ${attribute}`);
      if (attribute in attributes) throw malformed(`attribute ${attribute} given twice`);
      attributes[attribute] = decode(raw, i);
      i = end + 1;
    }

    const own = { ...scope };
    for (const [attribute, value] of Object.entries(attributes)) {
      if (attribute === "xmlns") own[""] = value;
      else if (attribute.startsWith("xmlns:")) own[attribute.slice(6)] = value;
    }
    const colon = qname.indexOf(":");
    const prefix = colon < 0 ? "" : qname.slice(0, colon);
    const name = colon < 0 ? qname : qname.slice(colon + 1);
    if (prefix && !(prefix in own)) throw malformed(`prefix ${prefix}: is not bound to a namespace`);
    const node: XmlElement = { name, ns: own[prefix] || undefined, attributes, children: [], text: "" };

    if (source.startsWith("/>", i)) {
      i += 2;
      return node;
    }
    i++; // >
    for (;;) {
      const next = source.indexOf("<", i);
      if (next < 0) throw malformed(`element ${qname} is not closed`);
      node.text += decode(source.slice(i, next), i);
      i = next;
      if (source.startsWith("</", i)) {
        i += 2;
        if (!source.startsWith(qname, i)) throw malformed(`expected </${qname}> at offset ${i - 2}`);
        i += qname.length;
        skipWhitespace();
        if (source[i] !== ">") throw malformed(`expected </${qname}> at offset ${i}`);
        i++;
        return node;
      }
      if (source.startsWith("<!--", i)) {
        const end = source.indexOf("-->", i + 4);
        if (end < 0) throw malformed("an unterminated comment");
        i = end + 3;
      } else if (source.startsWith("<![CDATA[", i)) {
        const end = source.indexOf("]]>", i + 9);
        if (end < 0) throw malformed("an unterminated CDATA section");
        node.text += source.slice(i + 9, end);
        i = end + 3;
      } else if (source.startsWith("<?", i) || source.startsWith("<!", i)) {
        throw malformed(`markup declarations and processing instructions are not accepted (offset ${i})`);
      } else {
        node.children.push(element(own, depth + 1));
      }
    }
  };

  const root = element({ xml: "http://www.w3.org/XML/1998/namespace" }, 1);
  skipMisc();
  if (i < source.length) throw malformed(`content after the root element at offset ${i}`);
  return root;
}

/** The children of `parent` with this local name and namespace. */
export const childrenNamed = (parent: XmlElement, name: string, ns: string | undefined) =>
  parent.children.filter((child) => child.name === name && child.ns === ns);

/** The one child of that name, or a malformed error naming what is missing. */
export function child(parent: XmlElement, name: string, ns: string | undefined): XmlElement {
  const found = childrenNamed(parent, name, ns);
  if (found.length !== 1)
    throw malformed(`expected one <${name}> in <${parent.name}>, found ${found.length}`);
  return found[0] as XmlElement;
}
