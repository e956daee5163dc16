#!/usr/bin/env node
/**
 * `npx redial <command>` from the repository: runs packages/local/src/cli.ts through tsx in this
 * process, so no build step is needed (the same code as `npm run -s redial -- <command>`).
 */
import { register } from "tsx/esm/api";

register();
await import(new URL("../packages/local/src/cli.ts", import.meta.url).href);
