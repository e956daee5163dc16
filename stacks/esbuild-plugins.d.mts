import type { Plugin } from "esbuild";

export declare const PLAYBOOK_FILES_MODULE: RegExp;
export declare const PLAYBOOK_FILES_STUB: string;
export declare const embeddedPlaybookOnly: Plugin;
export declare const MOMENT_TIMEZONE: RegExp;
export declare const MOMENT_TIMEZONE_SHIM: string;
export declare const momentShim: Plugin;
export declare const HOLIDAY_RULES_MODULE: RegExp;
export declare const holidayRulesAsJson: Plugin;
export declare const LAZY_DATA_MODULES: RegExp;
export declare const lazyDataAsJson: Plugin;
export declare const lazyJsonModuleSource: (exported: Record<string, unknown>) => string;
declare const plugins: Plugin[];
export default plugins;
