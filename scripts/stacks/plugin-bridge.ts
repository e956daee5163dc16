/**
 * `nodejs.plugins` loaded exactly as SST 4.17's Go builder loads them (pkg/runtime/node/plugin.go):
 * esbuild runs in Go, so SST registers ONE catch-all plugin (`onResolve`/`onLoad` with filter `.*`,
 * every namespace) that forwards each call as a JSON line to a node process running SST's own
 * bridge, `.sst/platform/functions/nodejs-runtime/plugin.mjs <root>/<plugins file>`, and maps the
 * reply back. The bridge is SST's file, run unmodified, so whatever it does with the plugins' filters
 * and namespaces (anomalyco/sst#4514) happens here as in a deploy. It is started per build, from the
 * project root, with stderr discarded (as the Go code does).
 * One difference: if the bridge dies, pending calls fail here; in Go they would wait forever.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Loader, Message, OnLoadResult, OnResolveResult, PartialMessage, Plugin } from "esbuild";

type Reply = Record<string, unknown>;

/** plugin.go maps `loader` through LoaderMap: unknown names are dropped. */
const LOADERS = new Set([
  "js",
  "jsx",
  "ts",
  "tsx",
  "css",
  "json",
  "text",
  "base64",
  "file",
  "dataurl",
  "binary",
]);

const messages = (value: unknown): PartialMessage[] | undefined =>
  Array.isArray(value)
    ? (value as Message[]).map((m) => ({ text: m.text, location: m.location }))
    : undefined;

export function sstPluginBridge(root: string, pluginsFile: string): Plugin {
  return {
    name: "nodejs-plugin",
    setup(build) {
      const bridge = join(root, ".sst/platform/functions/nodejs-runtime/plugin.mjs");
      const child = spawn(process.execPath, ["--no-warnings", bridge, join(root, pluginsFile)], {
        cwd: root,
        stdio: ["pipe", "pipe", "ignore"],
      });
      const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
      let count = 0;
      let exited: Error | undefined;
      createInterface({ input: child.stdout }).on("line", (line) => {
        const reply = JSON.parse(line) as { id: number; value: Reply };
        pending.get(reply.id)?.resolve(reply.value ?? {});
        pending.delete(reply.id);
      });
      child.on("exit", (code) => {
        exited = new Error(`SST's plugin bridge (${bridge}) exited with code ${code}`);
        for (const { reject } of pending.values()) reject(exited);
        pending.clear();
      });
      /** The Go side's message: { id, command, value } (the bridge reads msg.path, which is not there). */
      const request = (command: string, value: Reply) =>
        new Promise<Reply>((resolve, reject) => {
          if (exited) return reject(exited);
          const id = count++;
          pending.set(id, { resolve, reject });
          child.stdin.write(`${JSON.stringify({ id, command, value })}\n`);
        });

      build.onResolve({ filter: /.*/ }, async (args): Promise<OnResolveResult | undefined> => {
        const r = await request("resolve", {
          path: args.path,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          kind: args.kind,
          pluginData: args.pluginData ?? null,
          with: args.with,
        });
        if (typeof r.error === "string") throw new Error(r.error);
        const result: OnResolveResult = {
          pluginName: r.pluginName as string | undefined,
          path: r.path as string | undefined,
          namespace: r.namespace as string | undefined,
          suffix: r.suffix as string | undefined,
          external: r.external as boolean | undefined,
          sideEffects: r.sideEffects as boolean | undefined,
          errors: messages(r.errors),
          warnings: messages(r.warnings),
          watchFiles: r.watchFiles as string[] | undefined,
        };
        // An empty Go OnResolveResult means "not handled": esbuild goes on resolving.
        return result.path || result.external || result.errors ? result : undefined;
      });

      build.onLoad({ filter: /.*/ }, async (args): Promise<OnLoadResult | undefined> => {
        const r = await request("load", {
          path: args.path,
          namespace: args.namespace,
          suffix: args.suffix,
          pluginData: args.pluginData ?? null,
          with: args.with,
        });
        if (typeof r.error === "string") throw new Error(r.error);
        if (typeof r.contents !== "string" && !r.errors) return undefined;
        const loader =
          typeof r.loader === "string" && LOADERS.has(r.loader) ? (r.loader as Loader) : undefined;
        return {
          pluginName: r.pluginName as string | undefined,
          contents: r.contents as string | undefined,
          loader,
          resolveDir: r.resolveDir as string | undefined,
          errors: messages(r.errors),
          warnings: messages(r.warnings),
        };
      });

      build.onDispose(() => {
        child.stdin.end();
        child.kill();
      });
    },
  };
}
