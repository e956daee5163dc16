/**
 * sst.config.ts bundled and evaluated the way SST 4.17's Go CLI does it, so the mocked run executes
 * the same program text a deploy executes (including where `import.meta.url` points: the program
 * lives in `.sst/platform/sst.config.<ms>.mjs`). Ported from SST's source:
 * - pkg/js/js.go `Build`: banner, stdin `eval.ts`, NodePaths, externals, the two plugins;
 * - pkg/project/project.go `New`: `app()` evaluated in a first bundle, defaults filled in;
 * - pkg/project/run.go `Run`: the program bundle, with `$app`/`$cli`/`$dev` defined, the shim
 *   `platform/src/shim/run.js` injected and `import * as aws …; import * as sst …` prepended to
 *   every user file (the provider lock `.sst/provider-lock.json` names the providers).
 * The one deliberate difference: esbuild is the repository's npm build, not the Go one SST links.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { build, type Plugin } from "esbuild";

const SST_BANNER = `
import { createRequire as topLevelCreateRequire } from 'module';
const require = topLevelCreateRequire(import.meta.url);
import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"
const __filename = topLevelFileUrlToPath(import.meta.url)
const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))
`;

/** js.go's externals, verbatim. */
const EXTERNAL = ["@pulumi/*", "undici", "@pulumiverse/*", "@sst-provider/*", "@aws-sdk/*"];
EXTERNAL.push("esbuild", "archiver", "glob", "vite");

interface EvalOptions {
  root: string;
  outfile: string;
  code: string;
  globals: string;
  banner?: string;
  inject?: string[];
  define: Record<string, string>;
}

/** js.go `Build`: returns the files written (the .mjs and its linked .map). */
async function sstBuild(input: EvalOptions): Promise<string[]> {
  const sstDir = join(input.root, ".sst");
  const plugins: Plugin[] = [
    {
      // Only active when no globals are injected (the app() evaluation): no top-level imports.
      name: "DisallowImports",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (
            !input.globals &&
            basename(args.importer) === "sst.config.ts" &&
            args.kind === "import-statement"
          )
            return { errors: [{ text: "ErrTopLevelImport" }] };
          return undefined;
        });
      },
    },
    {
      // Every .js/.ts file outside .sst (node_modules included, as in SST) gets the globals prepended.
      name: "InjectGlobals",
      setup(b) {
        b.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, (args) => {
          if (args.path.startsWith(sstDir)) return undefined;
          const contents = readFileSync(args.path, "utf8");
          const text = args.path.includes(".sst") ? contents : `${input.globals}\n${contents}`;
          return { contents: text, loader: "default" };
        });
      },
    },
  ];
  const result = await build({
    banner: { js: SST_BANNER + (input.banner ?? "") },
    mainFields: ["module", "main"],
    format: "esm",
    platform: "node",
    sourcemap: "linked",
    stdin: { contents: input.code, resolveDir: input.root, sourcefile: "eval.ts", loader: "ts" },
    nodePaths: [join(sstDir, "platform", "node_modules")],
    plugins,
    external: EXTERNAL,
    define: input.define,
    inject: input.inject ?? [],
    outfile: input.outfile,
    absWorkingDir: input.root,
    write: true,
    bundle: true,
    metafile: true,
    logLevel: "silent",
  });
  return Object.keys(result.metafile.outputs).map((file) => join(input.root, file));
}

/** project.go `New`: `app({ stage })` run in its own bundle and node process, then SST's defaults. */
export async function evaluateApp(root: string, stage: string, env: NodeJS.ProcessEnv) {
  const config = join(root, "sst.config.ts");
  const outfile = join(root, ".sst", "platform", `sst.config.${Date.now()}.mjs`);
  const files = await sstBuild({
    root,
    outfile,
    globals: "",
    banner: "function $config(input) { return input }",
    define: { $input: JSON.stringify({ stage }) },
    code: `import mod from '${config}';
if (mod.stacks || mod.config) { console.log("~v2"); process.exit(0) }
console.log("~j" + JSON.stringify(await mod.app({ stage: $input.stage || undefined })))`,
  });
  try {
    const out = execFileSync(process.execPath, ["--no-warnings", outfile], {
      cwd: root,
      env,
      encoding: "utf8",
    });
    const line = out.split("\n").find((l) => l.startsWith("~j"));
    if (!line) throw new Error(`app() printed no configuration:\n${out}`);
    const parsed = JSON.parse(line.slice(2));
    // Go's App struct, in its field order, with the defaults New() fills in.
    const providers = { ...(parsed.providers ?? {}) };
    if (parsed.home !== "local" && !(parsed.home in providers)) providers[parsed.home] = {};
    return {
      name: parsed.name ?? "",
      stage,
      removal: parsed.removal || "retain",
      providers,
      home: parsed.home ?? "",
      version: parsed.version ?? "",
      protect: parsed.protect ?? false,
      watch: { paths: parsed.watch?.paths ?? null, ignore: parsed.watch?.ignore ?? null },
      state: parsed.state ?? null,
      types: { ignore: parsed.types?.ignore ?? null },
      backend: parsed.backend ?? "",
      removalPolicy: parsed.removalPolicy ?? "",
    };
  } finally {
    for (const file of files) rmSync(file, { force: true });
  }
}

/** run.go `Run`: the program bundle a deploy hands to Pulumi; returns its path and every file written. */
export async function buildProgram(root: string, app: { name: string; stage: string }, dev: boolean) {
  const platform = join(root, ".sst", "platform");
  const lockFile = join(root, ".sst", "provider-lock.json");
  const lock: { alias: string; package: string }[] = existsSync(lockFile)
    ? JSON.parse(readFileSync(lockFile, "utf8"))
    : [];
  const globals = [
    ...lock.map((entry) => `import * as ${entry.alias} from "${entry.package}";`),
    `import * as sst from "${join(platform, "src/components")}";`,
  ].join("\n");
  const cli = {
    command: "deploy",
    dev,
    paths: { home: join(homedir(), ".config", "sst"), root, work: join(root, ".sst"), platform },
    state: { version: {} },
  };
  const outfile = join(platform, `sst.config.${Date.now()}.mjs`);
  const files = await sstBuild({
    root,
    outfile,
    globals,
    define: { $app: JSON.stringify(app), $cli: JSON.stringify(cli), $dev: String(dev) },
    inject: [join(platform, "src/shim/run.js")],
    code: `
      import { run } from "${join(platform, "src/auto/run.ts")}";
      import mod from '${join(root, "sst.config.ts")}';
      const result = await run(mod.run);
      export default result;
    `,
  });
  return { outfile, files };
}
