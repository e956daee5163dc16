/**
 * G8 and G9 through the real import path: a CSV of last year's rejections and voicemails goes through
 * POST /v1/imports into DynamoDB Local, then every timer runs at its time through runDueTimer (the send
 * verdict, the claim, the recording mailer), as the timer runner would. Before G9, overdue drip steps
 * all landed on one slot and went out together; before G8, last year's "bad time" note went out now.
 */
import { composer, prospectCalendar, runDueTimer, type SendDeps } from "@redial/core";
import { DateTime } from "luxon";
import { afterAll, describe, expect, it } from "vitest";
import { loadTemplates } from "../../packages/functions/src/templates.ts";
import { expectNoViolations } from "../support/check.ts";
import { MovableClock, noTimers, RecordingMailer, silentLog } from "../support/send.ts";
import { importHarness, type Report } from "./harness.ts";
import { IMPORT_NOW } from "./rows.ts";

const HEADER =
  "type,occurredAt,reason,voicemail,prospect.id,prospect.email,prospect.timezone,prospect.owner.id,prospect.owner.email";
const row = (type: string, at: string, reason: string, voicemail: string, id: string) =>
  `${type},${at},${reason},${voicemail},${id},${id}@prospect.example,America/New_York,rep-7,wendy@acme.example`;
const rejected = (id: string, at: string) => row("call.rejected", at, "all_set", "", id);

// IMPORT_NOW is Mon 23 Nov 2026, 10:00 New York.
const FILE = [
  HEADER,
  rejected("year-note", "2025-11-24T15:00:00Z"), // R2 a year ago: the note is G8-stale
  row("call.no_answer", "2025-11-25T15:00:00Z", "", "true", "year-voicemail"), // R8: so is the follow-up
  rejected("year-drip", "2025-11-24T15:00:00Z"), // R3 a year ago: the recycle is overdue too (G7)
  rejected("year-drip", "2025-11-26T15:00:00Z"),
  rejected("summer-drip", "2026-08-13T15:00:00Z"), // R3 in August: all 4 nurture steps overdue
  rejected("summer-drip", "2026-08-14T15:00:00Z"),
  rejected("fresh-note", "2026-11-20T15:00:00Z"), // Friday: the note is due this morning, fresh
].join("\n");
const IDS = ["year-note", "year-voicemail", "year-drip", "summer-drip", "fresh-note"];
const END = new Date("2027-02-01T00:00:00Z"); // after summer-drip's nurture-4, before its recycle

describe("late steps through the real import (G8, G9)", async () => {
  const clock = new MovableClock(IMPORT_NOW);
  const h = await importHarness(clock);
  afterAll(() => h.client.destroy());
  const mailer = new RecordingMailer();
  const deps: SendDeps = {
    store: h.store,
    timers: noTimers,
    clock,
    log: silentLog,
    playbook: h.playbook,
    mailer,
    compose: composer(loadTemplates(), {
      publicUrl: "http://localhost:3000",
      postalAddress: "Acme, 1 Main St",
      unsubscribeKey: "test-unsubscribe-key-123",
    }),
  };

  it("imports, runs every timer at its time: no stale note or follow-up, every email a business day apart", async () => {
    const report = (await (await h.post(FILE)).json()) as Report;
    expect(report.byRule).toEqual({ R2: 4, R3: 2, R8: 1 });

    for (let runs = 0; ; runs++) {
      expect(runs).toBeLessThan(500);
      const [due] = await h.store.listDueTimers(END, 1);
      if (!due) break;
      if (Date.parse(due.timer.at) > clock.now().getTime()) clock.set(due.timer.at);
      await runDueTimer({ prospectId: due.prospectId, timerId: due.timer.id, kind: due.timer.kind }, deps);
    }

    const ny = prospectCalendar({ timezone: "America/New_York" }, h.playbook);
    const sent: Record<string, string[]> = {};
    for (const id of IDS) {
      const stored = await h.store.getProspect(id);
      const sends = stored?.timeline.filter((e) => e.type === "email.sent") ?? [];
      sent[id] = sends.map((e) => e.actions[0]?.template ?? "?");
      const times = sends.map((e) => e.at).sort();
      for (let i = 1; i < times.length; i++) {
        const free = ny.addBusinessDays(DateTime.fromISO(times[i - 1] ?? ""), 1);
        expect(Date.parse(times[i] ?? ""), `${id}: ${times[i]} after ${times[i - 1]}`).toBeGreaterThanOrEqual(
          free.toMillis(),
        );
      }
    }
    expect(sent).toEqual({
      "year-note": [],
      "year-voicemail": [],
      "year-drip": [],
      "summer-drip": ["nurture-1", "nurture-2", "nurture-3", "nurture-4"],
      "fresh-note": ["bad-time-note"],
    });
    expect(mailer.sent).toHaveLength(5);
    await expectNoViolations(h.tableName, h.playbook);
  });
});
