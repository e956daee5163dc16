/**
 * Pulumi mocks for an AWS account that does not exist: what the engine and the providers would
 * answer, made up but shaped like AWS's, so that SST's components and stacks/*.ts can compute their
 * ARNs, names and policies. Plain JavaScript because it runs in the mocked program's node process.
 *
 * - newResource: the inputs echoed back, plus the outputs AWS computes (arn, name, url, id, …).
 *   A resource given no physical name gets `<logical name>-<7 hex>`, like Pulumi's auto-naming.
 * - call (invokes): region, caller identity, partition, and getPolicyDocument rendered the way the
 *   AWS provider renders it (SST builds every function's inline policy with it; an unanswered
 *   invoke would leave the policy undefined and SST would silently attach no inline policy).
 *   Any other invoke fails loudly, naming its token.
 */
import { createHash } from "node:crypto";

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";

const suffix = (name) => createHash("sha256").update(name).digest("hex").slice(0, 7);

/** `aws:lambda/function:Function` → the ARN AWS gives such a resource called `name`. */
function arnOf(type, name, state) {
  const [, module = "", kind = ""] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
  const regional = (service, resource) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (`${module}/${kind}`) {
    case "lambda/function":
      return regional("lambda", `function:${name}`);
    case "iam/role":
      return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    case "iam/policy":
      return `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    case "dynamodb/table":
      return regional("dynamodb", `table/${name}`);
    case "sqs/queue":
      return regional("sqs", name);
    case "sns/topic":
      return regional("sns", name);
    case "cloudwatch/logGroup":
      return regional("logs", `log-group:${name}`);
    case "cloudwatch/eventRule":
      return regional("events", `rule/${name}`);
    case "scheduler/scheduleGroup":
      return regional("scheduler", `schedule-group/${name}`);
    case "scheduler/schedule":
      return regional("scheduler", `schedule/${state.groupName ?? "default"}/${name}`);
    case "sesv2/configurationSet":
      return regional("ses", `configuration-set/${name}`);
    case "sesv2/emailIdentity":
      return regional("ses", `identity/${state.emailIdentity}`);
    case "s3/bucket":
    case "s3/bucketV2":
      return `arn:aws:s3:::${name}`;
    case "apigatewayv2/api":
      return `arn:aws:apigateway:${REGION}::/apis/${state.id}`;
    default:
      return module ? regional(module.toLowerCase(), `${kind}/${name}`) : undefined;
  }
}

/** What the mocked engine returns for a registered resource: its id and output state. */
export function newResource({ type, name, inputs, id: importId }) {
  const id = importId || `${name}-${suffix(name)}`;
  const state = { ...inputs };
  if (type.startsWith("aws:")) {
    const physical = inputs.name ?? inputs.configurationSetName ?? inputs.bucket ?? `${name}-${suffix(name)}`;
    state.name ??= physical;
    state.id = id;
    state.arn ??= arnOf(type, physical, { ...state, id });
    if (type === "aws:sqs/queue:Queue")
      state.url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`;
    if (type === "aws:lambda/function:Function") {
      state.invokeArn = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
      state.qualifiedArn = `${state.arn}:$LATEST`;
    }
    if (type === "aws:apigatewayv2/api:Api") {
      state.apiEndpoint = `https://${id}.execute-api.${REGION}.amazonaws.com`;
      state.executionArn = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${id}`;
    }
    if (type === "aws:sesv2/configurationSet:ConfigurationSet") state.configurationSetName ??= physical;
    if (type === "aws:sesv2/emailIdentity:EmailIdentity") {
      // Easy DKIM: SES hands out three tokens, one CNAME each (sst.aws.Email creates the records).
      const tokens = [1, 2, 3].map((n) => suffix(`${name}-dkim-${n}`).repeat(4));
      state.dkimSigningAttributes = { ...inputs.dkimSigningAttributes, tokens, status: "PENDING" };
    }
    if (type === "aws:dynamodb/table:Table") state.streamArn = `${state.arn}/stream/1970-01-01T00:00:00.000`;
  }
  if (type === "random:index/randomBytes:RandomBytes") {
    const bytes = createHash("sha256").update(name).digest();
    Object.assign(state, { base64: bytes.toString("base64"), hex: bytes.toString("hex") });
  }
  // SST's HostedZoneLookup (a dynamic resource the CLI answers at deploy time).
  if (type === "pulumi-nodejs:dynamic:Resource" && "domain" in inputs) state.zoneId = "Z0MOCKEDZONE";
  return { id, state };
}

const one = (values) => (values.length === 1 ? values[0] : values);
const sortedSet = (values = []) => [...new Set(values)].sort();

/** aws.iam.getPolicyDocument's `json`, as the provider renders it (sets sorted, one → a string). */
export function policyDocument(args) {
  const Statement = (args.statements ?? []).map((s) => {
    const out = { Sid: s.sid ?? "", Effect: s.effect ?? "Allow" };
    if (s.actions?.length) out.Action = one(sortedSet(s.actions));
    if (s.notActions?.length) out.NotAction = one(sortedSet(s.notActions));
    if (s.resources?.length) out.Resource = one(sortedSet(s.resources));
    if (s.notResources?.length) out.NotResource = one(sortedSet(s.notResources));
    if (s.principals?.length)
      out.Principal = Object.fromEntries(s.principals.map((p) => [p.type, one(sortedSet(p.identifiers))]));
    if (s.conditions?.length) {
      out.Condition = {};
      for (const c of s.conditions) {
        out.Condition[c.test] = { ...out.Condition[c.test], [c.variable]: one(sortedSet(c.values)) };
      }
    }
    return out;
  });
  const document = { Version: args.version ?? "2012-10-17", Statement };
  return {
    json: JSON.stringify(document, null, 2),
    minifiedJson: JSON.stringify(document),
    statements: args.statements ?? [],
  };
}

/** Pulumi invokes (data sources). */
export function call({ token, inputs }) {
  switch (token) {
    case "aws:index/getRegion:getRegion":
      return {
        id: REGION,
        name: REGION,
        region: REGION,
        description: "US East (N. Virginia)",
        endpoint: `ec2.${REGION}.amazonaws.com`,
      };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: ACCOUNT,
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:user/mocked`,
        userId: "AIDAMOCKED",
      };
    case "aws:index/getPartition:getPartition":
      return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { id: "mocked", ...policyDocument(inputs) };
    default:
      throw new Error(
        `The mocked AWS account has no answer for the invoke ${token} (scripts/stacks/mock-aws.mjs)`,
      );
  }
}
