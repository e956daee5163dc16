/**
 * What the fuzzer sends, as small descriptors: a case names its base event, its changes and how it is
 * signed, and the request is built from that at send time (signatures must be fresh). A counterexample
 * then prints as the descriptor, with long strings cut, not as a megabyte of body.
 */
import fc from "fast-check";
import { loadExamples } from "../support/examples.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** CONTRACT.md's body limit: 64 KiB. */
export const BODY_LIMIT = 64 * 1024;

/** The canonical examples, compact, plus example 01 under each type that has no extra fields. */
export const BASE_EVENTS: readonly JsonObject[] = (() => {
  const examples = loadExamples().map((example) => JSON.parse(example.body) as JsonObject);
  const first = examples[0] as JsonObject;
  const plain = [
    "prospect.opted_out",
    "prospect.replied",
    "prospect.meeting_booked",
    "prospect.converted",
    "prospect.updated",
  ].map((type) => ({ ...first, type }));
  return [...examples, ...plain];
})();

/** A JSON text spliced in where a placeholder string stands: nesting too deep for JSON.stringify here. */
export interface RawJson {
  raw: string;
}

/** One change to an event: set a value (or raw JSON text) at a path, or delete the field there. */
export type Change = { path: string[]; value: Json | RawJson } | { path: string[]; delete: true };

const isRaw = (value: unknown): value is RawJson =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as RawJson).raw === "string";

/** The body text of `base` with `changes` applied in order; intermediate objects are created as needed. */
export function eventText(base: Json, changes: readonly Change[]): string {
  const root = { value: structuredClone(base) } as { value: Json };
  const raws: string[] = [];
  for (const change of changes) {
    if (change.path.length === 0) {
      if ("delete" in change) root.value = null;
      else root.value = placeholder(change.value, raws);
      continue;
    }
    let parent = root.value;
    if (typeof parent !== "object" || parent === null || Array.isArray(parent)) continue;
    for (const key of change.path.slice(0, -1)) {
      const next: Json | undefined = (parent as JsonObject)[key];
      if (typeof next !== "object" || next === null || Array.isArray(next)) (parent as JsonObject)[key] = {};
      parent = (parent as JsonObject)[key] as JsonObject;
    }
    const last = change.path.at(-1) as string;
    if ("delete" in change) delete (parent as JsonObject)[last];
    // Defined, not assigned: a `__proto__` change is a key JSON.stringify writes, not a prototype.
    else
      Object.defineProperty(parent, last, {
        value: placeholder(change.value, raws),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  let text = JSON.stringify(root.value);
  raws.forEach((raw, i) => {
    text = text.replace(JSON.stringify(marker(i)), () => raw);
  });
  return text;
}

const marker = (i: number) => `\u0000raw-json-${i}\u0000`;
function placeholder(value: Json | RawJson, raws: string[]): Json {
  if (!isRaw(value)) return value;
  raws.push(value.raw);
  return marker(raws.length - 1);
}

export const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");

/** Whether a JSON value has a lone surrogate in a string or a key (JSON.stringify writes it as \udXXX). */
export function hasLoneSurrogate(value: Json): boolean {
  const stack: Json[] = [value];
  while (stack.length) {
    const next = stack.pop() as Json;
    if (typeof next === "string") {
      if (LONE_SURROGATE.test(next)) return true;
    } else if (Array.isArray(next)) stack.push(...next);
    else if (next && typeof next === "object") {
      for (const [key, inner] of Object.entries(next)) {
        if (LONE_SURROGATE.test(key)) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}
/** With the u flag a well-formed pair is one code point, so only a lone half matches. */
export const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** `depth` levels of arrays, objects or both around a 1, as text (no recursion, no stack). */
export function nested(depth: number, shape: "array" | "object" | "mixed"): string {
  const open = { array: "[", object: '{"a":', mixed: '[{"a":' }[shape];
  const close = { array: "]", object: "}", mixed: "}]" }[shape];
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** How a /v1/events delivery is signed: right, or tampered in one way. */
export type Signing =
  | { kind: "valid" }
  | { kind: "omit"; header: "webhook-id" | "webhook-timestamp" | "webhook-signature" }
  | { kind: "signature"; value: string }
  | { kind: "wrong-secret" }
  | { kind: "other-body"; body: string }
  | { kind: "flip-bit"; at: number }
  | { kind: "timestamp-offset"; seconds: number }
  | { kind: "timestamp-raw"; value: string }
  | { kind: "id-changed"; sent: string }
  | { kind: "id-raw"; value: string };

export interface ApiCase {
  label: string;
  method: string;
  path: string;
  /** Sent as they are (content-type, authorization, …). */
  headers: Record<string, string>;
  /** /v1/events only: the webhook headers are computed from this when the case is sent. */
  signing?: Signing;
  body?: string | Uint8Array;
  /** Every status this input may get: all 4xx, one per defect it has. */
  expect: readonly number[];
  /** /u/{token} answers people with HTML; everything else with problem+json. */
  format: "problem" | "html";
  /** DELETE /v1/suppressions/{email} asks DynamoDB to delete, which changes nothing if it is absent. */
  deletes?: boolean;
}

/** Counterexamples print with strings and bodies cut to a readable length. */
export function printable<T extends object>(value: T): T {
  return Object.assign(value, { [fc.toStringMethod]: () => JSON.stringify(value, shorten) });
}

function shorten(_key: string, value: unknown) {
  if (typeof value === "string" && value.length > 160)
    return `${value.slice(0, 120)}…(${value.length} chars)…${value.slice(-20)}`;
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value).toString("latin1");
    return `<${value.byteLength} bytes> ${text.length > 160 ? `${text.slice(0, 120)}…` : text}`;
  }
  return value;
}
