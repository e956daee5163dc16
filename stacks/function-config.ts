import { FUNCTION_CONFIG, type FunctionName } from "../packages/functions/src/config/functions";
import { LINKED, type LinkedResource } from "../packages/functions/src/config/linked";
import { PARTS, type Variable } from "../packages/functions/src/config/parts";
import { type Environment, stageConfig } from "./config";
import { schedulerEnv } from "./scheduler";
import { crmSettings, linkedSecrets } from "./secrets";
import { table } from "./storage";

/**
 * Each function gets exactly the parts of the configuration its code loads (FUNCTION_CONFIG, read
 * from packages/functions so the two cannot disagree): the variables that come from a link
 * (config/linked.ts: the table and every secret) as `link`, the rest as `environment`. A function
 * that does not load a part gets none of its variables, and no secret is ever in an environment.
 */

/** The non-secret settings every stack knows; the API's URL and the sending ones are added by the caller. */
const settings: Environment = { ...stageConfig, ...schedulerEnv, ...crmSettings };

const linkables: Partial<Record<LinkedResource, unknown>> = { Table: table, ...linkedSecrets };

const linkedBy = (variable: Variable) =>
  (LINKED as Partial<Record<Variable, { resource: LinkedResource }>>)[variable];

/** `environment` and `link` of one function, from what this stage has (`more`: settings made elsewhere). */
export function functionConfig(name: FunctionName, more: Environment = {}) {
  const available: Environment = { ...settings, ...more };
  const environment: Environment = {};
  const link: unknown[] = [];
  for (const variable of FUNCTION_CONFIG[name].flatMap((part) => PARTS[part])) {
    const linked = linkedBy(variable);
    const value = linked ? undefined : available[variable];
    // Absent from this stage (a CRM not named, no CRM webhook): the part's own rules decide.
    if (linked && linkables[linked.resource]) link.push(linkables[linked.resource]);
    if (value !== undefined) environment[variable] = value;
  }
  return { environment, link };
}
