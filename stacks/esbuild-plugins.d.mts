import type { Plugin } from "esbuild";

export declare const PLAYBOOK_FILES_MODULE: RegExp;
export declare const PLAYBOOK_FILES_STUB: string;
export declare const embeddedPlaybookOnly: Plugin;
declare const plugins: Plugin[];
export default plugins;
