/**
 * Configuration: the REDIAL_* variables in parts (parts.ts), the parts each Lambda loads
 * (functions.ts), how they are validated (schemas.ts, load.ts), and where AWS's come from (linked.ts).
 */
export { FUNCTION_CONFIG, type FunctionName } from "./functions.ts";
export { LINKED, type LinkedResource, type LinkedVariable, withLinks } from "./linked.ts";
export { linkedEnvironment } from "./linked-environment.ts";
export {
  type Config,
  type ConfigOf,
  type CrmSources,
  type FunctionConfig,
  loadConfig,
  loadCrmSources,
  loadFunctionConfig,
} from "./load.ts";
export { ALL_PARTS, PARTS, type Part, type Variable } from "./parts.ts";
