/**
 * Pinning business time (CONTRACT.md, additions): `REDIAL_DEV_NOW` starts the local runtime's clock at
 * any instant, past or future, and it runs on with the wall clock from there; it still only moves
 * forward. A bad value stops start-up with the value named, before any service starts.
 */
import { DevClock, startRuntime } from "@redial/local";
import { describe, expect, it } from "vitest";

/** A wall clock a test moves by hand. */
const wallAt = (iso: string) => {
  let ms = Date.parse(iso);
  return { now: () => new Date(ms), tick: (by: number) => (ms += by) };
};

describe("REDIAL_DEV_NOW: business time starts where it is pinned", () => {
  it("starts in the past and runs on with the wall clock", () => {
    const wall = wallAt("2031-06-01T10:00:00Z");
    const clock = new DevClock(wall, "2020-03-02T09:00:00+01:00");
    expect(clock.now().toISOString()).toBe("2020-03-02T08:00:00.000Z");
    wall.tick(90_000);
    expect(clock.now().toISOString()).toBe("2020-03-02T08:01:30.000Z");
  });

  it("starts in the future, and still refuses to move back", () => {
    const clock = new DevClock(wallAt("2026-01-01T00:00:00Z"), "2099-12-31T23:00:00Z");
    expect(clock.now().toISOString()).toBe("2099-12-31T23:00:00.000Z");
    expect(() => clock.to("2099-12-30T00:00:00Z")).toThrow(/only moves forward/);
    expect(clock.advance("P2D").toISOString()).toBe("2100-01-02T23:00:00.000Z");
  });

  it("without a pin, business time is the wall clock", () => {
    expect(new DevClock(wallAt("2040-02-29T12:00:00Z")).now().toISOString()).toBe("2040-02-29T12:00:00.000Z");
  });

  it.each([
    "tomorrow",
    "2027-01-05T09:00:00", // no offset: which zone's 09:00?
    "2027-02-30T09:00:00Z",
    "1969-12-31T23:59:59Z",
  ])("refuses %j, naming it", (value) => {
    expect(() => new DevClock(wallAt("2026-01-01T00:00:00Z"), value)).toThrow(
      `REDIAL_DEV_NOW must be an ISO 8601 instant with an offset from 1970 through 2999, like 2027-01-05T09:00:00Z (got ${JSON.stringify(value)})`,
    );
  });

  it("a bad REDIAL_DEV_NOW stops the runtime before anything starts", async () => {
    await expect(
      startRuntime({ port: 0, dynamoPort: 0, sesPort: 0, env: { REDIAL_DEV_NOW: "soon" }, log: "silent" }),
    ).rejects.toThrow(
      'REDIAL_DEV_NOW must be an ISO 8601 instant with an offset from 1970 through 2999, like 2027-01-05T09:00:00Z (got "soon")',
    );
  });
});
