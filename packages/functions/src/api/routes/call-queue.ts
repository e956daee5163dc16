/** GET /v1/call-queue: due callbacks and recycles, oldest first, for one rep or the whole team. */
import { DateTime, invalid, Profile, QueueEntry } from "@redial/core";
import type { Handler } from "hono";
import * as z from "zod";
import type { AppDeps } from "../app.ts";

export const CallQueueQuery = z.object({
  owner: z.string().min(1).max(200).optional().describe("A rep's id; all reps when absent."),
  dueBefore: DateTime.optional().describe("Only entries due before this instant; all when absent."),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional().describe("From the previous page's `cursor`."),
});

export const CallQueuePage = z.object({
  items: z.array(z.object({ prospectId: z.string(), profile: Profile, entry: QueueEntry })),
  cursor: z.string().nullable().describe("Pass it back for the next page; null on the last page."),
});

export const getCallQueue =
  (deps: Pick<AppDeps, "store">): Handler =>
  async (c) => {
    const parsed = CallQueueQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalid("The query is not valid; see errors", parsed.error);
    const { owner, dueBefore, limit, cursor } = parsed.data;
    const page = await deps.store.listCallQueue({
      limit,
      ...(owner ? { ownerId: owner } : {}),
      ...(dueBefore ? { dueBefore: new Date(dueBefore) } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return c.json({ items: page.items, cursor: page.cursor ?? null });
  };
