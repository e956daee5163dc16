/**
 * A request body as one JSON text (RFC 8259), or a 400 that says what is wrong with it. Shared by every
 * route that reads JSON, so they all refuse the same things the same way.
 */
import { formatPath, RedialError } from "./errors.ts";

/**
 * Bytes → the JSON value. Refused as malformed: bytes that are not UTF-8; a byte order mark (RFC 8259
 * §8.1: a sender must not add one; silently dropping it would let two different byte strings, with
 * their two different signatures, carry the same event); anything that is not exactly one JSON text;
 * and a string or key with a lone surrogate escape (`"\ud800"`, RFC 8259 §8.2): not Unicode text,
 * and not storable: DynamoDB keeps UTF-8.
 */
export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    // ignoreBOM keeps a leading U+FEFF in the text, so it is seen here instead of silently dropped.
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new RedialError("malformed", "The body is not valid UTF-8");
  }
  if (text.startsWith("\uFEFF")) {
    const message = "Starts with a byte order mark (U+FEFF); send the JSON text alone";
    throw new RedialError("malformed", `The body is not valid JSON: ${message}`, [{ path: "", message }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8's message names the token and, for most errors, the position; the sender is authenticated
    // by now, so echoing a snippet of its own body back is harmless.
    const message = (error as Error).message;
    throw new RedialError("malformed", `The body is not valid JSON: ${message}`, [{ path: "", message }]);
  }
  // Only an escape can put a lone surrogate in the parsed value (the UTF-8 decode above is strict).
  if (SURROGATE_ESCAPE.test(text)) {
    const path = loneSurrogatePath(json);
    if (path !== null) {
      const message = "Contains a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape without its pair)";
      throw new RedialError("malformed", "The body is not valid Unicode text; see errors", [
        { path, message },
      ]);
    }
  }
  return json;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** With the u flag a well-formed pair is one code point, so only a lone half matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

interface Visit {
  value: unknown;
  key: string | number | null;
  parent: Visit | null;
}

/**
 * The path of the first string or key holding a lone surrogate, or null. Iterative, and a path is
 * only built for the hit: a body may nest tens of thousands of levels deep.
 */
function loneSurrogatePath(root: unknown): string | null {
  const stack: Visit[] = [{ value: root, key: null, parent: null }];
  while (stack.length) {
    const visit = stack.pop() as Visit;
    const { value } = visit;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value)) return pathOf(visit);
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push({ value: item, key: index, parent: visit });
      });
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return pathOf({ value: key, key, parent: visit });
        stack.push({ value: item, key, parent: visit });
      }
    }
  }
  return null;
}

function pathOf(visit: Visit): string {
  const keys: PropertyKey[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) keys.push(at.key);
  return formatPath(keys.reverse());
}
