/**
 * `/_dev/clock`: read and move the local runtime's business clock (CONTRACT.md, "Local runtime").
 * Moving it runs every timer that came due, in due order, before answering, so a test or a person
 * sees the consequences of "three days later" in the same response. Only the local runtime mounts
 * these routes, on the API app, whose error mapper turns the RedialErrors below into problem+json.
 */
import { DateTime, invalid, RedialError } from "@redial/core";
import { Hono } from "hono";
import { Duration } from "luxon";
import * as z from "zod";
import type { DevClock } from "./clock.ts";
import type { FiredTimer, TimerLoop } from "./timer-loop.ts";

const IsoDuration = z
  .string()
  .min(2)
  .max(64)
  .refine((value) => Duration.fromISO(value).isValid, {
    message: "Not an ISO 8601 duration (like P3D or PT2H)",
  });

/** One object with exactly one field, rather than a union, so a bad field gets its own error path. */
export const ClockMove = z
  .strictObject({
    advance: IsoDuration.optional().describe("How far to move forward, e.g. P3D."),
    to: DateTime.optional().describe("The instant to move to, with an offset; not before now."),
  })
  .refine((move) => (move.advance === undefined) !== (move.to === undefined), {
    message: "Give exactly one of advance or to",
  });
export type ClockMove = z.infer<typeof ClockMove>;

export interface ClockView {
  now: string;
}

export interface ClockMoved extends ClockView {
  fired: FiredTimer[];
}

export function devRoutes(deps: { clock: DevClock; loop: TimerLoop }): Hono {
  const app = new Hono();

  app.get("/_dev/clock", (c) => c.json({ now: deps.clock.now().toISOString() } satisfies ClockView));

  app.post("/_dev/clock", async (c) => {
    const move = parseMove(await c.req.text());
    const target =
      move.advance !== undefined ? deps.clock.after(move.advance) : deps.clock.checkTo(move.to ?? "");
    const fired = await deps.loop.runUntil(target, (at) => deps.clock.to(at));
    return c.json({ now: deps.clock.now().toISOString(), fired } satisfies ClockMoved);
  });

  return app;
}

function parseMove(text: string): ClockMove {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RedialError(
      "malformed",
      'The body is not valid JSON; send {"advance":"P3D"} or {"to":"<date-time>"}',
    );
  }
  const parsed = ClockMove.safeParse(json);
  if (!parsed.success)
    throw invalid('Send {"advance":"<ISO 8601 duration>"} or {"to":"<date-time>"}', parsed.error);
  return parsed.data;
}
