/**
 * The playbook's shape. `playbook/playbook.yaml` is parsed into this at load time; a bad file fails
 * with a message that names the field (see playbook/load.ts).
 */
import * as z from "zod";
import { CrmSettings } from "../crm/config.ts";
import { Country, TimeZone } from "./event.ts";

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Expected a local time HH:MM");
const Weekdays = z.array(z.number().int().min(1).max(7)).min(1);
const Days = z.number().int().positive();

const DailyWindow = z
  .object({ days: Weekdays, start: Clock, end: Clock })
  .refine((w) => w.start < w.end, { message: "start must be before end", path: ["end"] });
export type DailyWindow = z.infer<typeof DailyWindow>;

const Span = z
  .object({ start: Clock, end: Clock })
  .refine((w) => w.start < w.end, { message: "start must be before end", path: ["end"] });

/** date-holidays' kinds of day (https://github.com/commenthol/date-holidays#types-of-holidays). */
export const HolidayType = z.enum(["public", "bank", "school", "optional", "observance"]);
export type HolidayType = z.infer<typeof HolidayType>;

const HolidayDates = z.array(z.iso.date()).default([]);

/** G2 for one country: dates to add or drop, and which kinds of holiday count there. */
const CountryHolidays = z.object({
  extraHolidays: HolidayDates,
  ignoreHolidays: HolidayDates,
  /** Replaces `calendar.holidayTypes` for this country. */
  types: z.array(HolidayType).min(1).optional(),
});
export type CountryHolidays = z.infer<typeof CountryHolidays>;

export const CalendarSettings = z.object({
  businessDays: Weekdays,
  halfDays: z.object({ morning: Span, afternoon: Span }),
  /**
   * G2: the public holidays of the prospect's country and region come from date-holidays, for any
   * year (calendar/holidays.ts); only these kinds count.
   */
  holidayTypes: z.array(HolidayType).min(1).default(["public", "bank"]),
  /** Team-wide local dates with no calls and no email, whatever the prospect's country. */
  extraHolidays: HolidayDates,
  /** Team-wide local dates that are business days even where they are a holiday. */
  ignoreHolidays: HolidayDates,
  /** Per ISO country code: dates to add or drop there, and the kinds of holiday that count there. */
  countries: z.record(Country, CountryHolidays).default({}),
  /** The single US list of before December 2026: refused, so an old playbook is not silently ignored. */
  holidays: z
    .never({
      error:
        "calendar.holidays is gone: holidays come from the prospect's country (G2); list team-wide additions in calendar.extraHolidays",
    })
    .optional(),
});
export type CalendarSettings = z.infer<typeof CalendarSettings>;

const SequenceName = z.string().min(1);

export const Sequence = z.object({
  window: z.enum(["send", "preferred"]),
  everyMonths: z.number().int().positive().optional(),
  /**
   * G8: the words depend on the moment ("I just left you a voicemail"): a step that would go out more
   * than `lateSteps.freshForBusinessDays` after its planned time is skipped, not sent late.
   */
  momentBound: z.boolean().default(false),
  steps: z
    .array(
      z.object({
        template: z.string().regex(/^[a-z0-9-]+$/, "Template names are lowercase words joined by -"),
        businessDays: z.number().int().nonnegative(),
        time: Clock.optional(),
      }),
    )
    .min(1),
});
export type Sequence = z.infer<typeof Sequence>;

export const Playbook = z
  .object({
    team: z.object({
      timezone: TimeZone,
      /** G2: whose holidays apply when neither the prospect's country, phone nor zone tells. */
      country: Country.default("US"),
    }),
    calendar: CalendarSettings,
    sendWindow: DailyWindow,
    preferredWindow: DailyWindow,
    caps: z.object({
      perProspectPer7Days: z.number().int().positive(),
      perSenderPer24Hours: z.number().int().positive(),
    }),
    /** G8 and G9 (PLAYBOOK.md, December additions): steps that come due late. */
    lateSteps: z
      .object({
        /** G8: a moment-bound step goes out at most this many business days after its planned time. */
        freshForBusinessDays: z.number().int().nonnegative(),
        /** G9: no two automated emails reach one prospect less than this many business days apart. */
        minGapBusinessDays: z.number().int().nonnegative(),
      })
      .default({ freshForBusinessDays: 2, minGapBusinessDays: 1 }),
    tiers: z.object({
      A: z.object({ recycleAfterDays: Days }),
      B: z.object({ recycleAfterDays: Days }),
      C: z.object({ recycleAfterDays: Days }),
    }),
    rules: z.object({
      softNo: z.object({
        noteSequence: SequenceName,
        retryAfterBusinessDays: z.tuple([Days, Days]).refine(([a, b]) => a <= b, "Expected [min, max]"),
        nurtureSequence: SequenceName,
      }),
      callback: z.object({
        leadFraction: z.number().min(0).max(1),
        minLeadDays: z.number().nonnegative(),
        maxLeadDays: z.number().nonnegative(),
        keepWarmAfterDays: Days,
        keepWarmSequence: SequenceName,
      }),
      stalls: z.object({
        askRealPossibilityAt: Days,
        stopAt: Days,
        stopRecycleAfterDays: Days,
        nurtureSequence: SequenceName,
      }),
      noAnswer: z.object({
        voicemailSequence: SequenceName,
        voicemailCallAfterBusinessDays: Days,
        callAfterBusinessDays: Days,
        giveUpAfterAttempts: Days,
        nurtureSequence: SequenceName,
      }),
    }),
    prompts: z.object({ askWhatWillChange: z.string().min(1), askRealPossibility: z.string().min(1) }),
    /** The Monday mail of the leads that came back (CONTRACT.md "Weekly export"), in team.timezone. */
    weeklyExport: z
      .object({
        weekday: z.number().int().min(1).max(7),
        time: Clock,
        /** Also attach one file per owner, next to the team's. */
        perOwner: z.boolean(),
      })
      .default({ weekday: 1, time: "07:00", perOwner: false }),
    sequences: z.record(z.string().regex(/^[a-z0-9-]+$/), Sequence),
    /** Issue 7: which CRM field or value becomes which canonical event (docs/crm/). Optional. */
    crm: CrmSettings.prefault({}),
  })
  .superRefine((playbook, ctx) => {
    // Every sequence a rule names must exist: a typo fails at load, not at 8am on a Tuesday.
    for (const [ruleName, rule] of Object.entries(playbook.rules)) {
      for (const [field, value] of Object.entries(rule)) {
        if (field.endsWith("Sequence") && !(String(value) in playbook.sequences)) {
          ctx.addIssue({
            code: "custom",
            path: ["rules", ruleName, field],
            message: `Unknown sequence "${value}" (known: ${Object.keys(playbook.sequences).join(", ")})`,
          });
        }
      }
    }
    if (playbook.rules.callback.minLeadDays > playbook.rules.callback.maxLeadDays) {
      ctx.addIssue({
        code: "custom",
        path: ["rules", "callback", "minLeadDays"],
        message: "Must not exceed maxLeadDays",
      });
    }
  });
export type Playbook = z.infer<typeof Playbook>;
