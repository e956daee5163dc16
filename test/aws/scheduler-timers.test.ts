/** The exact EventBridge Scheduler commands behind the Timers port (no emulator exists: a mocked client). */
import { createHash } from "node:crypto";
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { SchedulerTimers, scheduleName } from "@redial/aws";
import { type Log, type Timer, TimerPayload } from "@redial/core";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";

const mock = mockClient(SchedulerClient);
const PROSPECT = "dana@northwind.example"; // CRMs do use emails as ids: it must not leak into names
const NOW = new Date("2025-03-10T12:00:00Z");
const AT = "2025-05-01T13:00:00.000Z";
const ARN = "arn:aws:service:eu-west-1:123456789012";
const ARNS = { targetArn: `${ARN}:runner`, roleArn: `${ARN}:role`, deadLetterArn: `${ARN}:dlq` };
const fault = (message: string) => ({ message, Message: message, $metadata: {} });

let warnings: { message: string; fields?: Record<string, unknown> }[];
const log: Log = { info() {}, error() {}, warn: (message, fields) => warnings.push({ message, fields }) };
const OPTIONS = { client: new SchedulerClient({}), log, groupName: "redial-timers", ...ARNS };
const timers = (now = NOW, extra: object = {}) =>
  new SchedulerTimers({ ...OPTIONS, clock: { now: () => now }, ...extra });
const PLAN = { rule: "R2", cycle: 1 };
const timer = (id: string, at = AT, kind: Timer["kind"] = "recycle"): Timer => ({ id, kind, at, ...PLAN });
const batch = (...ids: string[]) => ids.map((id) => timer(id));
const name = (timerId: string) => scheduleName("p-1", timerId);
const creates = () => mock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
const deletes = () => mock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input);
const expressions = () => creates().map((c) => c.ScheduleExpression);
const payload = (i: number) => JSON.parse(creates()[i]?.Target?.Input ?? "");

beforeEach(() => {
  mock.reset();
  mock.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:aws:scheduler:::schedule/x" });
  mock.on(DeleteScheduleCommand).resolves({});
  warnings = [];
});

describe("SchedulerTimers.schedule", () => {
  it("sends one exact one-time create: UTC at(), no window, DELETE after, retries, DLQ, role, payload", async () => {
    await timers().schedule(PROSPECT, [timer("4.1")]);
    const planned = { prospectId: PROSPECT, timerId: "4.1", kind: "recycle", at: AT };
    expect(creates()).toEqual([
      {
        Name: `t-${createHash("sha256").update(`${PROSPECT}\n4.1`).digest("base64url")}`,
        GroupName: "redial-timers",
        ScheduleExpression: "at(2025-05-01T13:00:00)",
        ScheduleExpressionTimezone: "UTC",
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: {
          Arn: ARNS.targetArn,
          RoleArn: ARNS.roleArn,
          Input: JSON.stringify(planned),
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: ARNS.deadLetterArn },
        },
        ClientToken: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      },
    ]);
    expect(TimerPayload.parse(payload(0))).toEqual(planned);
  });

  it("names schedules deterministically, ≤ 64 allowed characters, without the prospect id", () => {
    for (const prospectId of [PROSPECT, `${"x".repeat(300)}@example.com`, "p-1"]) {
      const hashed = scheduleName(prospectId, "12.3");
      expect(hashed).toMatch(/^t-[0-9a-zA-Z_-]{43}$/);
      expect(hashed.length).toBeLessThanOrEqual(64);
      expect(hashed).toBe(scheduleName(prospectId, "12.3"));
      expect(hashed).not.toContain(prospectId);
      expect(hashed).not.toMatch(/dana|northwind|@|example/);
    }
    expect(name("1.1")).not.toBe(name("1.2"));
    expect(name("1.1")).not.toBe(scheduleName("p-11", ".1"));
  });

  it("converts offsets to UTC and rounds up to the minute, so a trigger is never early", async () => {
    const offsets = [timer("1.1", "2025-05-01T15:00:00+02:00"), timer("1.2", "2025-05-01T13:00:30.5Z")];
    await timers().schedule("p-1", offsets);
    expect(expressions()).toEqual(["at(2025-05-01T13:00:00)", "at(2025-05-01T13:01:00)"]);
  });

  it("moves a past at to now + 60 s (Scheduler rejects a past at()), keeping the planned at in the payload", async () => {
    const past = timer("1.1", "2025-03-01T09:00:00.000Z");
    await timers().schedule("p-1", [past]);
    await timers(new Date("2025-03-10T12:00:20Z")).schedule("p-1", [past]);
    expect(expressions()).toEqual(["at(2025-03-10T12:01:00)", "at(2025-03-10T12:02:00)"]);
    expect(payload(0).at).toBe(past.at);
  });

  it("sends the same request and ClientToken for the same timer, another token for another timer", async () => {
    await timers().schedule("p-1", batch("1.1"));
    await timers(new Date("2025-04-01T00:00:00Z")).schedule("p-1", batch("1.1"));
    await timers().schedule("p-1", batch("1.2"));
    const [a, b, c] = creates();
    expect(a).toEqual(b);
    expect(a?.ClientToken).not.toBe(c?.ClientToken);
  });

  it("creates one schedule per timer of a batch", async () => {
    await timers().schedule("p-1", [timer("2.1", AT, "email"), timer("2.2", AT, "call"), timer("2.3")]);
    expect(creates().map((c) => c.Name)).toEqual(["2.1", "2.2", "2.3"].map((id) => name(id)));
    const sent = [0, 1, 2].map((i) => `${payload(i).timerId}:${payload(i).kind}`);
    expect(sent).toEqual(["2.1:email", "2.2:call", "2.3:recycle"]);
  });

  it("takes an existing schedule as done; throws any other failure, after attempting every timer", async () => {
    mock.on(CreateScheduleCommand).rejects(new ConflictException(fault("exists")));
    await expect(timers().schedule("p-1", batch("1.1", "1.2"))).resolves.toBeUndefined();
    mock.reset();
    const error = new ValidationException(fault("bad"));
    mock.on(CreateScheduleCommand, { Name: name("1.2") }).rejects(error);
    await expect(timers().schedule("p-1", batch("1.1", "1.2", "1.3"))).rejects.toBe(error);
    expect(creates()).toHaveLength(3);
    mock.on(CreateScheduleCommand).rejects(new ThrottlingException(fault("slow down")));
    const all = timers().schedule("p-1", batch("1.1", "1.2", "1.3"));
    await expect(all).rejects.toThrow("3 of 3 schedules failed: slow down");
  });

  it("uses the configured retry policy and refuses values Scheduler would reject", async () => {
    await timers(NOW, { maxRetryAttempts: 0, maxEventAgeSeconds: 60 }).schedule("p-1", batch("1.1"));
    const policy = { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 };
    expect(creates()[0]?.Target?.RetryPolicy).toEqual(policy);
    expect(() => timers(NOW, { maxRetryAttempts: 186 })).toThrow(RangeError);
    expect(() => timers(NOW, { maxEventAgeSeconds: 59 })).toThrow(RangeError);
  });
});

describe("SchedulerTimers.cancel", () => {
  it("deletes each schedule by name; ignores one already gone, logs and swallows any other failure", async () => {
    mock
      .on(DeleteScheduleCommand, { Name: name("1.1") })
      .rejects(new ResourceNotFoundException(fault("gone")));
    mock.on(DeleteScheduleCommand, { Name: name("1.2") }).rejects(new ThrottlingException(fault("slow")));
    await expect(timers().cancel("p-1", batch("1.1", "1.2", "1.3"))).resolves.toBeUndefined();
    const group = "redial-timers";
    expect(deletes()).toEqual(["1.1", "1.2", "1.3"].map((id) => ({ Name: name(id), GroupName: group })));
    const fields = { prospectId: "p-1", timerId: "1.2", schedule: name("1.2") };
    const error = "ThrottlingException: slow";
    expect(warnings).toEqual([{ message: "timers.cancel_failed", fields: { ...fields, error } }]);
  });
});
