/**
 * The CLI side of SST's RPC, stood in locally. SST's components call the CLI over HTTP
 * (platform/src/components/rpc/rpc.ts: POST `$SST_SERVER/rpc`, Go net/rpc JSON codec:
 * `{ method, params: [args] }` → `{ id, result, error }`). A deploy answers from pkg/server/*; here:
 * - Runtime.Build: ./runtime-build.ts (the function bundles, built for real);
 * - Runtime.AddTarget: accepted (only used by `sst dev`);
 * - Provider.Aws.Bootstrap / Appsync: the bootstrap buckets and endpoints, made up (no AWS).
 * Anything else answers Go's "rpc: can't find method", which rpc.ts turns into MethodNotFoundError.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type BuildInput, type BundleInfo, runtimeBuild } from "./runtime-build.ts";

export const MOCK_BOOTSTRAP = {
  version: 1,
  asset: "sst-asset-mocked0000",
  assetEcrRegistryId: "123456789012",
  assetEcrUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/sst-asset",
  state: "sst-state-mocked0000",
  appsyncHttp: "mocked.appsync-api.us-east-1.amazonaws.com",
  appsyncRealtime: "mocked.appsync-realtime-api.us-east-1.amazonaws.com",
};

export interface RpcServer {
  url: string;
  bundles: Record<string, BundleInfo>;
  calls: { method: string; at: number; ms: number; error?: string }[];
  close(): Promise<void>;
}

/** node.go: at most 4 function builds at once (SST_BUILD_CONCURRENCY_FUNCTION's default). */
function semaphore(limit: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export async function startRpcServer(root: string): Promise<RpcServer> {
  const bundles: Record<string, BundleInfo> = {};
  const calls: RpcServer["calls"] = [];
  const limit = semaphore(4);
  const started = Date.now();
  const methods: Record<string, (args: unknown) => Promise<unknown>> = {
    "Runtime.Build": (args) =>
      limit(async () => {
        const input = args as BuildInput;
        const { reply, info } = await runtimeBuild(root, input);
        if (info) bundles[input.functionID] = info;
        return reply;
      }),
    "Runtime.AddTarget": async () => true,
    "Provider.Aws.Bootstrap": async () => MOCK_BOOTSTRAP,
    "Provider.Aws.Appsync": async () => ({
      http: MOCK_BOOTSTRAP.appsyncHttp,
      realtime: MOCK_BOOTSTRAP.appsyncRealtime,
    }),
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
      const {
        id = null,
        method,
        params,
      } = JSON.parse(body) as { id?: unknown; method: string; params: unknown[] };
      const call: RpcServer["calls"][number] = { method, at: Date.now() - started, ms: 0 };
      calls.push(call);
      const handler = methods[method];
      let reply: object;
      try {
        if (!handler) throw new Error(`rpc: can't find method ${method}`);
        reply = { id, result: await handler(params[0]), error: null };
      } catch (error) {
        call.error = (error as Error).message;
        reply = { id, result: null, error: call.error };
      }
      call.ms = Date.now() - started - call.at;
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bundles,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
