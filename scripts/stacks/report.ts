/**
 * Reading a mocked run (./run-mocked.ts) the way a reviewer asks about a deploy: per sst.aws.Function,
 * the Lambda SST declares (runtime, architecture, memory, timeout, environment size), its role's
 * trust policy and inline policy (SST puts `permissions` and the links' grants in ONE inline policy
 * named "inline" on `aws:iam/role:Role`, built with aws.iam.getPolicyDocument), and its bundle.
 */
import type { MockedRun, RecordedResource } from "./run-mocked.ts";
import type { BundleInfo } from "./runtime-build.ts";

export interface PolicyStatement {
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

export interface FunctionReport {
  name: string;
  lambda: RecordedResource;
  role: RecordedResource | undefined;
  runtime: unknown;
  architectures: unknown;
  memorySize: unknown;
  timeout: unknown;
  /** What Lambda counts against its 4 KB limit: the UTF-8 bytes of every key and value. */
  environmentBytes: number;
  environmentCount: number;
  assumeRolePolicy: { Statement: PolicyStatement[] } | undefined;
  inlinePolicies: { name: string; Statement: PolicyStatement[] }[];
  managedPolicyArns: unknown;
  bundle: BundleInfo | undefined;
}

const parse = (text: unknown) => (typeof text === "string" ? JSON.parse(text) : text);

export function countByType(resources: RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function functionReports(run: MockedRun): FunctionReport[] {
  const childOf = (parent: string, type: string) =>
    run.resources.find((r) => r.parent === parent && r.type === type);
  return run.resources
    .filter((r) => r.type === "sst:aws:Function")
    .flatMap((component) => {
      const lambda = childOf(component.name, "aws:lambda/function:Function");
      if (!lambda) return [];
      const role = childOf(component.name, "aws:iam/role:Role");
      const env = ((lambda.inputs.environment as { variables?: Record<string, string> })?.variables ??
        {}) as Record<string, string>;
      const inline = (role?.inputs.inlinePolicies ?? []) as { name: string; policy: string }[];
      return [
        {
          name: component.name,
          lambda,
          role,
          runtime: lambda.inputs.runtime,
          architectures: lambda.inputs.architectures,
          memorySize: lambda.inputs.memorySize,
          timeout: lambda.inputs.timeout,
          environmentBytes: Object.entries(env).reduce(
            (n, [k, v]) => n + Buffer.byteLength(k + String(v)),
            0,
          ),
          environmentCount: Object.keys(env).length,
          assumeRolePolicy: parse(role?.inputs.assumeRolePolicy),
          inlinePolicies: inline.map((p) => ({ name: p.name, Statement: parse(p.policy).Statement })),
          managedPolicyArns: role?.inputs.managedPolicyArns,
          bundle: run.bundles[component.name],
        },
      ];
    });
}

const list = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** One line per statement: `Allow a, b on x, y`, the lines a reviewer reads in an IAM console. */
export function formatStatements(statements: PolicyStatement[] = []): string[] {
  return statements.map((s) => {
    const extra = [
      s.Principal && `principal ${JSON.stringify(s.Principal)}`,
      s.Condition && `if ${JSON.stringify(s.Condition)}`,
    ];
    return [
      `${s.Effect} ${list(s.Action).join(", ")}`,
      `on ${list(s.Resource).join(", ") || "-"}`,
      ...extra.filter(Boolean),
    ].join(" ");
  });
}

export function formatFunctions(run: MockedRun): string {
  const lines: string[] = [];
  for (const f of functionReports(run)) {
    lines.push(
      `${f.name} (${f.lambda.inputs.name}): ${f.runtime} ${list(f.architectures).join(",")}, ${f.memorySize} MB, ` +
        `${f.timeout} s, environment ${f.environmentCount} variables / ${f.environmentBytes} bytes`,
    );
    if (f.bundle)
      lines.push(
        `  bundle ${f.bundle.bytes} bytes from ${f.bundle.inputs} inputs; exports [${f.bundle.exports.join(", ")}]; ` +
          `yaml markers [${f.bundle.yamlMarkers.join(", ")}]`,
      );
    lines.push(`  trust: ${formatStatements(f.assumeRolePolicy?.Statement).join(" | ")}`);
    lines.push(`  managed: ${list(f.managedPolicyArns).join(", ") || "-"}`);
    for (const p of f.inlinePolicies)
      for (const s of formatStatements(p.Statement)) lines.push(`  ${p.name}: ${s}`);
    if (f.inlinePolicies.length === 0) lines.push("  inline: (none)");
  }
  return lines.join("\n");
}
