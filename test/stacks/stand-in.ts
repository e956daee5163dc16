/**
 * A recording stand-in for the globals SST v4 gives sst.config.ts and stacks/* ($config, $app, sst.*,
 * aws.*, $interpolate, $resolve, $jsonStringify). Outputs are plain strings here; each resource gets
 * the names and ARNs AWS would give it, in a fixed account and region, so the test can follow the
 * references between resources. SST components refuse an argument this stand-in does not know: a typo
 * or an argument the documentation does not list fails the test instead of being ignored.
 */
export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";

export interface Recorded {
  type: string;
  name: string;
  args: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** The documented arguments this project uses, per SST component (sst.dev/docs/component/aws/*). */
const KNOWN_ARGS: Record<string, string[]> = {
  "sst.Secret": [],
  "sst.Linkable": ["properties", "include"],
  "sst.aws.Dynamo": ["fields", "primaryIndex", "globalIndexes", "ttl", "deletionProtection", "transform"],
  "sst.aws.ApiGatewayV2": ["domain"],
  "sst.aws.Function": [
    "handler",
    "runtime",
    "architecture",
    "memory",
    "timeout",
    "link",
    "permissions",
    "environment",
    "nodejs",
    "transform",
  ],
  "sst.aws.Queue": ["transform"],
  "sst.aws.Email": ["sender", "dmarc", "dns"],
  "sst.aws.CronV2": ["function", "schedule", "timezone", "retries", "dlq", "event", "enabled"],
  "sst.aws.SnsTopic": [],
};

/** The documented keys of a Function's `nodejs` argument (sst.dev/docs/component/aws/function#nodejs). */
export const KNOWN_NODEJS_ARGS = [
  "banner",
  "esbuild",
  "format",
  "install",
  "loader",
  "minify",
  "plugins",
  "sourcemap",
  "splitting",
];

export function installStandIn(stage: string) {
  const recorded: Recorded[] = [];
  const linkDefinitions = new Map<unknown, (resource: Record<string, unknown>) => unknown>();
  const routes: { path: string; handler: unknown }[] = [];
  const prefix = `redial-${stage}`;

  const make = (type: string, props: (name: string, args: Record<string, unknown>) => object) =>
    class {
      constructor(name: string, args: Record<string, unknown> = {}) {
        const known = KNOWN_ARGS[type];
        if (known) {
          const unknown = Object.keys(args).filter((key) => !known.includes(key));
          const nodejs = Object.keys((args.nodejs ?? {}) as object).filter(
            (key) => !KNOWN_NODEJS_ARGS.includes(key),
          );
          unknown.push(...nodejs.map((key) => `nodejs.${key}`));
          if (unknown.length)
            throw new Error(`${type}("${name}"): unknown argument(s) ${unknown.join(", ")}`);
        }
        Object.assign(this, props(name, args));
        recorded.push({ type, name, args, resource: this as Record<string, unknown> });
      }
    };

  /** What a Function's transform.function sets (its physical name), applied as Pulumi would. */
  const functionName = (name: string, args: Record<string, unknown>) => {
    const lambdaArgs: Record<string, unknown> = {};
    (args.transform as { function?: (a: Record<string, unknown>) => void } | undefined)?.function?.(
      lambdaArgs,
    );
    return (lambdaArgs.name as string | undefined) ?? `${prefix}-${name}-a1b2c3`;
  };

  const Linkable = make("sst.Linkable", (name, args) => ({ name, properties: args.properties }));
  const sst = {
    Secret: make("sst.Secret", (name) => ({ name, value: `value-of:${name}` })),
    Linkable: Object.assign(Linkable, {
      /** How a linked component is granted (stacks/storage.ts wraps the table's link). */
      wrap: (type: unknown, definition: (resource: Record<string, unknown>) => unknown) => {
        linkDefinitions.set(type, definition);
      },
    }),
    aws: {
      permission: (statement: { actions: string[]; resources: unknown[] }) => statement,
      Dynamo: make("sst.aws.Dynamo", (name) => ({
        name: `${prefix}-${name}`,
        arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${prefix}-${name}`,
      })),
      ApiGatewayV2: class {
        url = "https://abc123.execute-api.us-east-1.amazonaws.com";
        constructor(name: string, args: Record<string, unknown> = {}) {
          const unknown = Object.keys(args).filter(
            (key) => !KNOWN_ARGS["sst.aws.ApiGatewayV2"]?.includes(key),
          );
          if (unknown.length) throw new Error(`ApiGatewayV2: unknown argument(s) ${unknown.join(", ")}`);
          recorded.push({ type: "sst.aws.ApiGatewayV2", name, args, resource: this as never });
        }
        route(path: string, handler: unknown) {
          routes.push({ path, handler });
        }
      },
      Function: make("sst.aws.Function", (name, args) => {
        const physical = functionName(name, args);
        return { name: physical, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical}` };
      }),
      Queue: make("sst.aws.Queue", (name) => ({
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${prefix}-${name}`,
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${prefix}-${name}`,
        nodes: { queue: { name: `${prefix}-${name}` } },
      })),
      Email: make("sst.aws.Email", (_name, args) => ({ sender: args.sender })),
      CronV2: make("sst.aws.CronV2", () => ({})),
      SnsTopic: make("sst.aws.SnsTopic", (name) => ({
        arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${prefix}-${name}`,
      })),
    },
  };

  const raw = (type: string, props: (name: string, args: Record<string, unknown>) => object = () => ({})) =>
    make(type, props);
  const aws = {
    getRegionOutput: () => ({ name: REGION }),
    getCallerIdentityOutput: () => ({ accountId: ACCOUNT }),
    scheduler: {
      ScheduleGroup: raw("aws.scheduler.ScheduleGroup", (name) => ({
        name: `${name}-d4e5f6`,
        arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/${name}-d4e5f6`,
      })),
    },
    iam: {
      Role: raw("aws.iam.Role", (name) => ({
        name: `${name}-g7h8`,
        arn: `arn:aws:iam::${ACCOUNT}:role/${name}-g7h8`,
      })),
      RolePolicy: raw("aws.iam.RolePolicy"),
    },
    sesv2: {
      ConfigurationSet: raw("aws.sesv2.ConfigurationSet", (_name, args) => ({
        configurationSetName: args.configurationSetName,
        arn: `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${args.configurationSetName}`,
      })),
      ConfigurationSetEventDestination: raw("aws.sesv2.ConfigurationSetEventDestination"),
    },
    cloudwatch: {
      EventRule: raw("aws.cloudwatch.EventRule", (name) => ({
        name: `${name}-i9j0`,
        arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}-i9j0`,
      })),
      EventTarget: raw("aws.cloudwatch.EventTarget"),
      MetricAlarm: raw("aws.cloudwatch.MetricAlarm"),
    },
    lambda: {
      Permission: raw("aws.lambda.Permission"),
      FunctionEventInvokeConfig: raw("aws.lambda.FunctionEventInvokeConfig"),
    },
    sqs: { QueuePolicy: raw("aws.sqs.QueuePolicy") },
    sns: { TopicSubscription: raw("aws.sns.TopicSubscription") },
  };

  Object.assign(globalThis, {
    $config: (config: unknown) => config,
    $app: { name: "redial", stage },
    $dev: false,
    $interpolate: (strings: TemplateStringsArray, ...values: unknown[]) =>
      String.raw({ raw: strings }, ...values),
    $resolve: (values: unknown[]) => ({ apply: <T>(fn: (v: unknown[]) => T) => fn(values) }),
    $jsonStringify: (value: unknown) => JSON.stringify(value),
    sst,
    aws,
  });
  /** What linking `resource` (made by `type`) grants, as stacks/ defined it with sst.Linkable.wrap. */
  const linkOf = (type: unknown, resource: Record<string, unknown>) => linkDefinitions.get(type)?.(resource);

  /** A link's properties: a secret's `value`, a Linkable's own, the table's as storage.ts wraps it. */
  const linkProperties = (made: Recorded): object | undefined => {
    if (made.type === "sst.Secret") return { value: made.resource.value };
    if (made.type === "sst.Linkable") return made.args.properties as object;
    if (made.type === "sst.aws.Dynamo")
      return (linkOf(sst.aws.Dynamo, made.resource) as { properties: object } | undefined)?.properties;
    return undefined;
  };

  /** What SST's `Resource` holds inside a function with these links (link name → properties, as resource.enc). */
  const resourcesOf = (links: unknown[]): Record<string, object> =>
    Object.fromEntries(
      links.map((link) => {
        const made = recorded.find((r) => r.resource === link);
        const properties = made && linkProperties(made);
        if (!made || !properties) throw new Error(`Not a linkable component: ${made?.type ?? String(link)}`);
        return [made.name, { ...properties, type: made.type }];
      }),
    );
  return { recorded, routes, linkOf, resourcesOf, sst };
}
