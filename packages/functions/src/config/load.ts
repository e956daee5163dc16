/**
 * The environment, parsed once at start-up, part by part. A bad deployment fails with every wrong
 * variable of the parts it loads named at once, and without echoing a value (most are secrets).
 * Variables of parts it does not load are not read at all, however wrong.
 */
import * as z from "zod";
import { FUNCTION_CONFIG, type FunctionName } from "./functions.ts";
import type { Part } from "./parts.ts";
import { type CrmSourceFields, type PartFields, SCHEMAS } from "./schemas.ts";

type Env = Record<string, string | undefined>;

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Flat<T> = { [K in keyof T]: T[K] };

/** The fields of these parts and no other: the SES-events function's config has no `apiToken`. */
export type ConfigOf<P extends Part> = Flat<Intersection<PartFields[P]>>;
/** Everything, as the local runtime loads it. */
export type Config = ConfigOf<Part>;
export type FunctionConfig<F extends FunctionName> = ConfigOf<(typeof FUNCTION_CONFIG)[F][number]>;

export function loadConfig<const P extends Part>(env: Env, parts: readonly P[]): ConfigOf<P> {
  const selected = [...new Set(parts)];
  const shape: z.ZodRawShape = Object.assign({}, ...selected.map((p) => SCHEMAS[p].shape));
  // Blank counts as unset (a stage may define a variable as ""); stray whitespace, e.g. a trailing
  // newline pasted into a secret, is not part of the value.
  const given: Env = Object.fromEntries(
    Object.keys(shape).map((name) => [name, env[name]?.trim() || undefined]),
  );
  const parsed = z.object(shape).safeParse(given);
  const issues = [
    ...(parsed.error?.issues ?? []),
    ...selected.flatMap((p) => SCHEMAS[p].together.flatMap((group) => allOrNone(given, group))),
  ];
  if (!parsed.success || issues.length) {
    const problems = issues.map((issue) => {
      const name = String(issue.path[0]);
      // Never print the value: it may be a secret.
      const message = given[name] === undefined ? "is not set" : issue.message;
      return `  ${name}${issue.path.length > 1 ? `[${issue.path.slice(1).join(".")}]` : ""}: ${message}`;
    });
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const read = (p: Part) => (SCHEMAS[p].read as (e: Record<string, unknown>) => object)(parsed.data);
  return Object.assign({}, ...selected.map(read));
}

/** One Lambda's parts (functions.ts), nothing more. */
export function loadFunctionConfig<F extends FunctionName>(name: F, env: Env): FunctionConfig<F> {
  return loadConfig(env, FUNCTION_CONFIG[name]) as FunctionConfig<F>;
}

/** A URL without its secret (or the reverse) is a half-done set-up: say so rather than stay silent. */
function allOrNone(given: Env, group: string[]): { path: PropertyKey[]; message: string }[] {
  const set = group.filter((name) => given[name] !== undefined);
  if (set.length === 0 || set.length === group.length) return [];
  return group
    .filter((name) => given[name] === undefined)
    .map((name) => ({ path: [name], message: "is not set" }));
}

/** The CRMs POST /v1/sources/{crm}/events accepts, with what authenticates each. */
export type CrmSources = CrmSourceFields & {
  /** REDIAL_PUBLIC_URL: HubSpot signs the URL it called, which behind a proxy is not the one that arrives. */
  publicUrl?: string | undefined;
};

/**
 * Only the CRM sources, for the sources route when it is not handed them (the local runtime and the
 * API Lambda hand them): the same REDIAL_* variables, read on first use.
 */
export function loadCrmSources(env: Env = process.env): CrmSources {
  return { ...loadConfig(env, ["crmSources"]), publicUrl: env.REDIAL_PUBLIC_URL?.trim() || undefined };
}
