/**
 * SST runs `nodejs.plugins` (stacks/esbuild-plugins.mjs) through its own bridge: the Go CLI bundles
 * with esbuild's Go API, registers one match-all hook per kind, and sends every resolve and load to
 * .sst/platform/functions/nodejs-runtime/plugin.mjs as a JSON line (pkg/runtime/node/plugin.go), which
 * calls the plugins' hooks. That bridge tests each hook's filter against a field the Go side never
 * sends and ignores namespaces, so a plugin written for plain esbuild can be silently skipped, or run
 * on every file. This drives SST's real bridge with Redial's plugins, message by message as Go sends
 * them, and checks each hook fires where it should and nowhere else.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORM_DIR, ROOT, skipWithoutPlatform } from "../support/sst-platform.ts";

type Reply = Record<string, unknown>;

describe.skipIf(skipWithoutPlatform())("stacks/esbuild-plugins.mjs through SST's plugin bridge", () => {
  let bridge: ChildProcess;
  const pending = new Map<number, (reply: Reply) => void>();
  let next = 0;

  beforeAll(() => {
    // As plugin.go: `node .sst/platform/functions/nodejs-runtime/plugin.mjs <abs plugins file>`, from the root.
    bridge = spawn(
      process.execPath,
      [`${PLATFORM_DIR}/functions/nodejs-runtime/plugin.mjs`, `${ROOT}stacks/esbuild-plugins.mjs`],
      { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
    );
    createInterface({ input: bridge.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const { id, value } = JSON.parse(line) as { id: number; value: Reply };
      pending.get(id)?.(value);
      pending.delete(id);
    });
  });
  afterAll(() => {
    bridge.kill();
  });

  /** One request as plugin.go encodes it: `{"id","command","value"}`, the esbuild args in `value`. */
  const send = (command: "resolve" | "load", value: Record<string, unknown>) =>
    new Promise<Reply>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      bridge.stdin?.write(`${JSON.stringify({ id, command, value })}\n`);
    });
  const load = (path: string, namespace = "file") =>
    send("load", { path, namespace, suffix: "", pluginData: 0, with: {} });
  const resolve = (path: string, importer: string) =>
    send("resolve", { path, importer, namespace: "file", resolveDir: ROOT, kind: "import-statement" });

  it("replaces the playbook file readers with the stub (no YAML parser in a deployed bundle)", async () => {
    const reply = await load(`${ROOT}packages/functions/src/playbook-files.ts`);
    expect(reply.loader).toBe("js");
    expect(String(reply.contents)).toContain("a Redial bundle embeds its playbook and templates");
  });

  it("sends moment-timezone to the shim, and loads the shim only in its namespace", async () => {
    const importer = `${ROOT}node_modules/date-holidays-parser/lib/Equinox.js`;
    expect(await resolve("moment-timezone", importer)).toEqual({
      path: "moment-timezone",
      namespace: "redial-moment-shim",
    });
    const shim = await load("moment-timezone", "redial-moment-shim");
    expect(String(shim.contents)).toContain("moment.tz =");
    expect(await resolve("luxon", importer)).toEqual({});
  });

  it("turns the holiday rules and the lazy data modules into JSON parsed on first use", async () => {
    for (const file of [
      "node_modules/date-holidays/src/data.js",
      "node_modules/astronomia/data/vsop87Bearth.js",
      "node_modules/libphonenumber-js/metadata.min.json.js",
    ]) {
      const reply = await load(`${ROOT}${file}`);
      expect(String(reply.contents), file).toContain("JSON.parse(");
    }
  });

  it("leaves every other module to esbuild (an empty reply)", async () => {
    for (const file of [
      "packages/core/src/index.ts",
      "packages/functions/src/api/app.ts",
      "node_modules/luxon/src/luxon.js",
    ])
      expect(await load(`${ROOT}${file}`), file).toEqual({});
  });
});
