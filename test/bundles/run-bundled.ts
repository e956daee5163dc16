/**
 * Bundles one entry file as every function is bundled (or with other esbuild plugins), runs it in a
 * plain `node` child and returns what it printed, the bundle's text and the inputs esbuild took.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { ROOT } from "../../scripts/build-functions.ts";
import type bundlePlugins from "../../stacks/esbuild-plugins.mjs";

const run = promisify(execFile);

export async function runBundled(entry: string, outfile: string, plugins: typeof bundlePlugins) {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    nodePaths: [join(ROOT, "node_modules")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    plugins,
    metafile: true,
    logLevel: "warning",
  });
  const { stdout } = await run(process.execPath, [outfile], { maxBuffer: 256 << 20 });
  return { stdout, code: readFileSync(outfile, "utf8"), inputs: Object.keys(result.metafile.inputs) };
}
