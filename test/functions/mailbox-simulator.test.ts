/** The local mailbox simulator answers as SES's does, labels included (bounce+label@…). */
import type { OutgoingEmail } from "@redial/core";
import { describe, expect, it } from "vitest";
import { simulatedEvent } from "../../packages/local/src/mailbox-simulator.ts";

const email = (to: string): OutgoingEmail => ({
  to,
  from: { address: "wendy@acme.example" },
  replyTo: [],
  subject: "s",
  text: "t",
  html: "<p>t</p>",
  headers: [],
  tags: { prospect: "p-1" },
});
const typeOf = (to: string) =>
  (simulatedEvent(email(to), "m-1", new Date()) as { detail?: { eventType?: string } } | null)?.detail
    ?.eventType;

describe("simulatedEvent", () => {
  it("bounces and complains for the simulator's boxes, with or without a label", () => {
    expect(typeOf("bounce@simulator.amazonses.com")).toBe("Bounce");
    expect(typeOf("bounce+p17@simulator.amazonses.com")).toBe("Bounce");
    expect(typeOf("complaint+p3@simulator.amazonses.com")).toBe("Complaint");
  });

  it("answers nothing for other boxes or other domains", () => {
    expect(simulatedEvent(email("success@simulator.amazonses.com"), "m", new Date())).toBeNull();
    expect(simulatedEvent(email("bouncer@simulator.amazonses.com"), "m", new Date())).toBeNull();
    expect(simulatedEvent(email("bounce@example.com"), "m", new Date())).toBeNull();
  });
});
