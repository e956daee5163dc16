/**
 * The node process that runs the bundled SST program under Pulumi's mock runtime, standing in for
 * Pulumi's node language host: `node mock-host.mjs <program.mjs> <result.json> <project> <stage>`.
 * Its own process because Pulumi's runtime state is global and SST's `run()` chdirs to the project
 * root. The environment (SST_SERVER, SST_SECRET_*, REDIAL_*) is set by run-mocked.ts.
 *
 * @pulumi/pulumi is loaded from the program's own node_modules (.sst/platform), so the mocks are set
 * on the very instance the program registers resources with. Every resource the mocked engine is
 * asked to register or read is recorded with its inputs (secrets unwrapped) and its parent's name.
 * Errors are collected the way Pulumi's host would report them: the program's rejection, and any
 * unhandled rejection (a failed apply, a failed function build) while it runs.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { call, newResource } from "./mock-aws.mjs";

const [program, resultFile, project, stage] = process.argv.slice(2);
const pulumi = createRequire(program)("@pulumi/pulumi");
const { runtime } = pulumi;

const errors = [];
const describe = (error) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
process.on("unhandledRejection", (error) => errors.push(describe(error)));
process.on("uncaughtException", (error) => errors.push(describe(error)));

/** Inputs as plain JSON: secrets unwrapped, assets as their paths, resource references by URN. */
function plain(value) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value[runtime.specialSigKey] === runtime.specialSecretSig) return plain(value.value);
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
    const { path, text, uri, assets } = value;
    return { asset: value.constructor.name, path, text, uri, assets: assets && plain(assets) };
  }
  if (pulumi.Resource.isInstance(value)) return { resourceRef: value.__name };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

const lastName = (urn) => urn?.split("::").pop();
const rootName = `${project}-${stage}`;
const requests = new Map();
const resources = [];

await runtime.setMocks(
  {
    newResource(args) {
      const result = newResource(args);
      if (args.type !== "pulumi:pulumi:Stack") {
        const inputs = plain(args.inputs);
        // A dynamic resource's serialized provider is a closure's source text: not an input to read.
        if (typeof inputs.__provider === "string") inputs.__provider = `<${inputs.__provider.length} chars>`;
        const { parent, options } = requests.get(`${args.type}::${args.name}`) ?? {};
        resources.push({
          type: args.type,
          name: args.name,
          custom: args.custom,
          ...(args.id ? { read: true } : {}),
          ...(parent && parent !== rootName ? { parent } : {}),
          ...(options ? { options } : {}),
          // What the (mocked) cloud answered: the physical name and ARN other resources refer to.
          ...(result.state.name !== undefined ? { physicalName: String(result.state.name) } : {}),
          ...(result.state.arn !== undefined ? { arn: String(result.state.arn) } : {}),
          inputs,
        });
      }
      return result;
    },
    call,
  },
  project,
  stage,
  false,
);

// The mocks see neither the parent nor the options; the monitor's request has them (SST's stack
// transformations set retainOnDelete on a `removal: "retain"` stage). Noted before the mocks run.
const monitor = runtime.getMonitor();
for (const method of ["registerResource", "readResource"]) {
  const original = monitor[method].bind(monitor);
  monitor[method] = (req, callback) => {
    const flags = { protect: req.getProtect?.(), retainOnDelete: req.getRetainondelete?.() };
    const options = Object.fromEntries(Object.entries(flags).filter(([, on]) => on === true));
    const parent = lastName(req.getParent());
    requests.set(`${req.getType()}::${req.getName()}`, {
      parent,
      options: Object.keys(options).length ? options : undefined,
    });
    return original(req, callback);
  };
}

const started = Date.now();
let outputs;
try {
  outputs = await runtime.runInPulumiStack(async () => (await import(pathToFileURL(program).href)).default);
  await runtime.waitForRPCs();
} catch (error) {
  errors.push(describe(error));
}
writeFileSync(
  resultFile,
  JSON.stringify({ resources, outputs: plain(outputs ?? {}), errors, ms: Date.now() - started }),
);
process.exit(0);
