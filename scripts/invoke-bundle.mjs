/**
 * Runs one built Lambda bundle as the Lambda runtime would, in a fresh `node` process (no tsx, no
 * loader): imports it, then calls its `handler` with each event in turn. Used by
 * test/bundles/bundles.test.ts and bench/cold-start.ts.
 *
 *   node scripts/invoke-bundle.mjs <bundle.mjs> '<JSON array of events>'
 *
 * Prints one line `@@result {…}` (the function's own logs are JSON lines on stdout too):
 * `importedMs` and `firstResponseMs` are milliseconds since the process started (performance's time
 * origin), `results` what each invocation returned (or `{ error }`). With REDIAL_TRACE_FS=1 it also
 * lists every file the bundle read or listed (`filesRead`), to show the playbook is embedded.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [bundle, eventsJson = "[]"] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write("usage: node scripts/invoke-bundle.mjs <bundle.mjs> '<events JSON array>'\n");
  process.exit(2);
}
const events = JSON.parse(eventsJson);

const filesRead = [];
if (process.env.REDIAL_TRACE_FS === "1") {
  for (const name of ["readFileSync", "readdirSync"]) {
    const original = fs[name];
    fs[name] = function traced(path, ...rest) {
      filesRead.push(String(path));
      return original.call(this, path, ...rest);
    };
  }
  syncBuiltinESMExports(); // `import { readFileSync } from "node:fs"` sees the traced one too
}

const context = {
  awsRequestId: "00000000-0000-4000-8000-000000000000",
  functionName: "redial-bundle-test",
  functionVersion: "$LATEST",
  memoryLimitInMB: "512",
  getRemainingTimeInMillis: () => 10_000,
  callbackWaitsForEmptyEventLoop: false,
};

const out = { bundle, importedMs: 0, firstResponseMs: 0, results: [] };
try {
  const { handler } = await import(pathToFileURL(resolve(bundle)).href);
  out.importedMs = performance.now();
  for (const event of events) {
    try {
      out.results.push(await handler(event, context));
    } catch (error) {
      out.results.push({ error: error instanceof Error ? error.message : String(error) });
    }
    if (!out.firstResponseMs) out.firstResponseMs = performance.now();
  }
} catch (error) {
  out.loadError = error instanceof Error ? error.message : String(error);
}
if (process.env.REDIAL_TRACE_FS === "1") out.filesRead = filesRead;
process.stdout.write(`@@result ${JSON.stringify(out)}\n`);
// Like a Lambda container frozen after the response: open sockets do not keep the process alive.
process.exit(out.loadError ? 1 : 0);
