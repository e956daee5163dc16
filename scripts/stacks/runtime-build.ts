/**
 * A local stand-in for the SST CLI's `Runtime.Build` (what sst.aws.Function asks the CLI for over
 * RPC before it zips the code). Ported from SST 4.17: pkg/runtime/runtime.go `Collection.Build`
 * (clean `.sst/artifacts/<id>-src`, build, write `resource.enc`) and pkg/runtime/node/build.go
 * (esbuild options; the `nodejs.plugins` file through SST's bridge, ./plugin-bridge.ts).
 * Besides SST's reply it keeps, per function, what a reviewer wants to know about the bundle.
 */
import { createCipheriv } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, isAbsolute, join } from "node:path";
import { type BuildFailure, type BuildOptions, context, type Message, type Plugin } from "esbuild";
import { sstPluginBridge } from "./plugin-bridge.ts";

export interface BuildInput {
  functionID: string;
  handler: string;
  bundle?: string;
  runtime: string;
  dev?: boolean;
  encryptionKey?: string;
  links?: Record<string, unknown>;
  properties?: NodeProperties;
}

interface NodeProperties {
  format?: string;
  minify?: boolean;
  banner?: string;
  plugins?: string;
  install?: Record<string, string>;
  esbuild?: { target?: string; keepNames?: boolean; external?: string[]; define?: Record<string, string> };
}

export interface BundleInfo {
  file: string;
  bytes: number;
  /** What the bundle exports (from esbuild's metafile): the handler name must be among them. */
  exports: string[];
  /** Source files esbuild read into it. */
  inputs: number;
  /** Markers of the `yaml` package found in the bundle text. */
  yamlMarkers: string[];
}

const NODE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const TARGETS: Record<string, string> = {
  "nodejs24.x": "es2024",
  "nodejs22.x": "es2023",
  "nodejs20.x": "es2023",
};
/** esTargetMap: only ES versions; anything else (e.g. "node22") falls back to the runtime's. */
const ES_TARGET = /^(esnext|es5|es6|es20(1[5-9]|2[0-3]))$/;
/** Class names of the `yaml` package (kept as strings in a bundle by `keepNames`). */
const YAML_MARKERS = ["YAMLParseError", "YAMLWarning", "YAMLError", "YAMLMap", "YAMLSeq"];

/** node.go getFile: `dir/file.export` → the first existing `dir/file<ext>`, relative to the root. */
function handlerFile(root: string, handler: string): string | undefined {
  const base = handler.slice(0, handler.lastIndexOf("."));
  for (const ext of NODE_EXTENSIONS) {
    const file = isAbsolute(base + ext) ? base + ext : join(root, base + ext);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** `sst-version-check`: a bundled `sst` must be the CLI's version. */
function versionCheck(version: string): Plugin {
  const skip = Symbol("skip");
  return {
    name: "sst-version-check",
    setup(build) {
      build.onResolve({ filter: /^sst$/ }, async (args) => {
        if (args.pluginData === skip) return undefined;
        const { resolveDir, importer, kind } = args;
        const pkg = await build.resolve("sst", { resolveDir, importer, kind, pluginData: skip });
        if (!pkg.path) return undefined;
        let dir = dirname(pkg.path);
        while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
        const found = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
        if (found !== version)
          throw new Error(
            `The sst package your application is importing (${found}) does not match the sst cli version (${version}).`,
          );
        return { path: pkg.path };
      });
    },
  };
}

export async function runtimeBuild(root: string, input: BuildInput) {
  const out = join(root, ".sst", "artifacts", `${input.functionID}${input.dev ? "-dev" : "-src"}`);
  if (input.bundle)
    return {
      reply: { out: input.bundle, handler: input.handler, errors: [], sourcemaps: [] },
      info: undefined,
    };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (!input.runtime.startsWith("node")) throw new Error(`Runtime not found: ${input.runtime}`);
  const file = handlerFile(root, input.handler);
  if (!file) throw new Error(`Handler not found: ${input.handler}`);

  const p = input.properties ?? {};
  const esm = p.format !== "cjs";
  const target = join(out, `bundle${esm ? ".mjs" : ".cjs"}`);
  const version = readFileSync(join(root, ".sst/platform/version"), "utf8").trim();
  const plugins = [versionCheck(version), ...(p.plugins ? [sstPluginBridge(root, p.plugins)] : [])];
  const sstBanner = [
    `import { createRequire as topLevelCreateRequire } from 'module';`,
    `const require = topLevelCreateRequire(import.meta.url);`,
    `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
    `const __filename = topLevelFileUrlToPath(import.meta.url)`,
    `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
  ];
  const esTarget = p.esbuild?.target?.toLowerCase() ?? "";
  const options: BuildOptions = {
    entryPoints: [file],
    platform: "node",
    external: ["sharp", "pg-native", ...Object.keys(p.install ?? {}), ...(p.esbuild?.external ?? [])],
    keepNames: p.esbuild?.keepNames ?? true,
    bundle: true,
    metafile: true,
    outfile: target,
    plugins,
    sourcemap: "linked",
    write: true,
    format: esm ? "esm" : "cjs",
    target: ES_TARGET.test(esTarget) ? esTarget.replace(/^es6$/, "es2015") : TARGETS[input.runtime],
    mainFields: esm ? ["module", "main"] : ["main"],
    banner: { js: esm ? [...sstBanner, p.banner ?? ""].join("\n") : (p.banner ?? "") },
    define: p.esbuild?.define ?? {},
    absWorkingDir: root,
    logLevel: "silent",
    ...(!input.dev && p.minify
      ? { minifyWhitespace: true, minifySyntax: true, minifyIdentifiers: true }
      : {}),
  };
  const ctx = await context(options);
  let errors: Message[] = [];
  let metafile: { outputs: Record<string, { exports: string[] }>; inputs: object } | undefined;
  try {
    metafile = (await ctx.rebuild()).metafile;
  } catch (error) {
    errors = (error as BuildFailure).errors ?? [{ text: String(error) } as Message];
  } finally {
    await ctx.dispose();
  }
  if (input.encryptionKey) writeResourceEnc(out, input.encryptionKey, input.links ?? {});
  const text = existsSync(target) ? readFileSync(target, "utf8") : "";
  const info: BundleInfo = {
    file: target,
    bytes: existsSync(target) ? statSync(target).size : 0,
    exports: Object.values(metafile?.outputs ?? {}).flatMap((o) => o.exports ?? []),
    inputs: Object.keys(metafile?.inputs ?? {}).length,
    yamlMarkers: YAML_MARKERS.filter((m) => text.includes(m)),
  };
  return {
    reply: {
      out,
      handler: `bundle${extname(input.handler)}`,
      errors: errors.map(
        (e) => e.text + (e.location ? ` ${e.location.file}:${e.location.line}:${e.location.column}` : ""),
      ),
      sourcemaps: metafile
        ? Object.keys(metafile.outputs)
            .filter((f) => f.endsWith(".map"))
            .map((f) => join(root, f))
        : [],
    },
    info,
  };
}

/** runtime.go: the links as JSON (top-level keys sorted, as Go marshals a map), AES-256-GCM, zero nonce. */
function writeResourceEnc(out: string, key: string, links: Record<string, unknown>) {
  const sorted = Object.fromEntries(
    Object.keys(links)
      .sort()
      .map((k) => [k, links[k]]),
  );
  const json = JSON.stringify(sorted).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), Buffer.alloc(12));
  const body = Buffer.concat([cipher.update(json), cipher.final(), cipher.getAuthTag()]);
  writeFileSync(join(out, "resource.enc"), body);
}
