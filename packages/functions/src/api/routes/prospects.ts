/** GET /v1/prospects/:id: what an operator needs to answer "why did Redial do that?". */
import {
  Prospect,
  ProspectInput,
  RedialError,
  resolveZone,
  TimelineEntry,
  Timer,
  withLocal,
} from "@redial/core";
import type { Handler } from "hono";
import * as z from "zod";
import type { AppDeps } from "../app.ts";

/**
 * A pending timer as shown (CONTRACT.md "Local times"): its UTC `at` also in the prospect's zone.
 * Computed per answer, not stored: the zone follows the profile, and DynamoDB keeps one truth.
 */
export const TimerView = Timer.extend({
  local: z.string().describe("`at` with the prospect's UTC offset, e.g. 2027-01-05T08:00:00+01:00."),
  zone: z
    .string()
    .describe("The IANA zone of `local` (G2: the prospect's, else the owner's, else the team's)."),
});

/** The answer's shape, published in /openapi.json. */
export const ProspectView = z.object({
  prospect: Prospect.extend({ timers: z.array(TimerView) }).describe(
    "Profile, state, counters, pending timers (with local times) and the call-queue entry.",
  ),
  timeline: z.array(TimelineEntry).describe("Every event and decision, oldest first."),
});

export const getProspect =
  (deps: Pick<AppDeps, "store" | "playbook">): Handler =>
  async (c) => {
    const id = c.req.param("id") ?? "";
    // An id no event could carry names no prospect; DynamoDB would refuse it as a key (2 KB at most).
    const found = ProspectInput.shape.id.safeParse(id).success ? await deps.store.getProspect(id) : null;
    if (!found) throw new RedialError("not_found", `No prospect ${JSON.stringify(id)}`);
    // G2: the zone decide() plans in, so a timer's local time is the one its slot was chosen in.
    const zone = resolveZone(found.prospect.profile, deps.playbook.team.timezone);
    const prospect = { ...found.prospect, timers: found.prospect.timers.map((t) => withLocal(t, zone)) };
    return c.json({ prospect, timeline: found.timeline });
  };
