import * as z from "zod";
import { Action, Status } from "../schemas/prospect.ts";

/** The body of a 202/200 answer to `POST /v1/events` (CONTRACT.md). */
export const IngestResult = z.object({
  prospectId: z.string(),
  eventId: z.string(),
  duplicate: z.boolean(),
  applied: z.boolean(),
  reason: z.string().optional(),
  state: Status,
  decision: z.object({
    rule: z.string(),
    actions: z.array(Action),
    remarks: z.array(z.string()).optional(),
  }),
});
export type IngestResult = z.infer<typeof IngestResult>;
