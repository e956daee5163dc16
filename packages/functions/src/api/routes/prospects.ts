/** GET /v1/prospects/:id: what an operator needs to answer "why did Redial do that?". */
import { Prospect, ProspectInput, RedialError, TimelineEntry } from "@redial/core";
import type { Handler } from "hono";
import * as z from "zod";
import type { AppDeps } from "../app.ts";

/** The answer's shape, published in /openapi.json. */
export const ProspectView = z.object({
  prospect: Prospect.describe("Profile, state, counters, pending timers and the call-queue entry."),
  timeline: z.array(TimelineEntry).describe("Every event and decision, oldest first."),
});

export const getProspect =
  (deps: Pick<AppDeps, "store">): Handler =>
  async (c) => {
    const id = c.req.param("id") ?? "";
    // An id no event could carry names no prospect; DynamoDB would refuse it as a key (2 KB at most).
    const found = ProspectInput.shape.id.safeParse(id).success ? await deps.store.getProspect(id) : null;
    if (!found) throw new RedialError("not_found", `No prospect ${JSON.stringify(id)}`);
    return c.json({ prospect: found.prospect, timeline: found.timeline });
  };
