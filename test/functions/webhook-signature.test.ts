import { RedialError } from "@redial/core";
import { signWebhook, verifyWebhook } from "@redial/functions";
import { describe, expect, it } from "vitest";

const SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
const NEW_SECRET = `whsec_${Buffer.from("fedcba9876543210fedcba9876543210").toString("base64")}`;
const NOW = 1_794_000_000; // 2026-11-07T…Z; any fixed instant will do
const ID = "msg_2Kp9";
const BODY = '{"type":"prospect.updated","occurredAt":"2026-11-16T10:00:00Z","prospect":{"id":"p-1"}}';

const delivery = (overrides: Partial<Parameters<typeof verifyWebhook>[0]> = {}) => ({
  id: ID,
  timestamp: String(NOW),
  signatureHeader: signWebhook({ id: ID, timestamp: NOW, body: BODY, secret: SECRET }),
  rawBody: BODY,
  secrets: [SECRET],
  nowSeconds: NOW,
  ...overrides,
});

/** The message of the RedialError("unauthenticated") verifyWebhook throws. */
function refusal(input: Parameters<typeof verifyWebhook>[0]): string {
  try {
    verifyWebhook(input);
  } catch (error) {
    expect(error).toBeInstanceOf(RedialError);
    expect((error as RedialError).kind).toBe("unauthenticated");
    return (error as RedialError).message;
  }
  throw new Error("verifyWebhook accepted the delivery");
}

describe("Standard Webhooks signatures", () => {
  it("accepts a delivery signed with the secret and returns its webhook id", () => {
    expect(verifyWebhook(delivery())).toBe(ID);
  });

  it("matches the Standard Webhooks reference vector", () => {
    // From the spec's reference libraries (standard-webhooks, test "test_sign_function").
    const header = signWebhook({
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    });
    expect(header).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("accepts any one valid entry among several, so secrets can rotate", () => {
    const oldEntry = signWebhook({ id: ID, timestamp: NOW, body: BODY, secret: SECRET });
    const newEntry = signWebhook({ id: ID, timestamp: NOW, body: BODY, secret: NEW_SECRET });
    const header = `v1,bm90IGEgc2lnbmF0dXJl ${oldEntry} ${newEntry}`;
    expect(verifyWebhook(delivery({ signatureHeader: header, secrets: [NEW_SECRET] }))).toBe(ID);
    expect(verifyWebhook(delivery({ signatureHeader: oldEntry, secrets: [NEW_SECRET, SECRET] }))).toBe(ID);
  });

  it("skips entries of other versions beside a valid v1 entry", () => {
    const header = `v1a,c2lnbmVkIHdpdGggZWQyNTUxOQ== ${signWebhook({ id: ID, timestamp: NOW, body: BODY, secret: SECRET })}`;
    expect(verifyWebhook(delivery({ signatureHeader: header }))).toBe(ID);
  });

  it("refuses a signature made with another secret", () => {
    expect(refusal(delivery({ secrets: [NEW_SECRET] }))).toMatch(/No webhook-signature entry matches/);
  });

  it("refuses a tampered body", () => {
    expect(refusal(delivery({ rawBody: BODY.replace("p-1", "p-2") }))).toMatch(
      /No webhook-signature entry matches/,
    );
  });

  it("refuses a replayed id and timestamp carrying a new body", () => {
    const other = '{"type":"prospect.opted_out","occurredAt":"2026-11-16T10:00:00Z","prospect":{"id":"p-1"}}';
    expect(refusal(delivery({ rawBody: other }))).toMatch(/No webhook-signature entry matches/);
  });

  it("refuses a signature moved to another webhook id or timestamp", () => {
    expect(refusal(delivery({ id: "msg_other" }))).toMatch(/No webhook-signature entry matches/);
    expect(refusal(delivery({ timestamp: String(NOW + 1), nowSeconds: NOW + 1 }))).toMatch(
      /No webhook-signature/,
    );
  });

  it("accepts a timestamp 300 s away and refuses one 301 s away, in both directions", () => {
    const at = (timestamp: number) => ({
      timestamp: String(timestamp),
      signatureHeader: signWebhook({ id: ID, timestamp, body: BODY, secret: SECRET }),
    });
    expect(verifyWebhook(delivery(at(NOW - 300)))).toBe(ID);
    expect(verifyWebhook(delivery(at(NOW + 300)))).toBe(ID);
    expect(refusal(delivery(at(NOW - 301)))).toMatch(/301 s old/);
    expect(refusal(delivery(at(NOW + 301)))).toMatch(/301 s in the future/);
  });

  it("refuses malformed headers", () => {
    expect(refusal(delivery({ signatureHeader: "sha256=abc" }))).toMatch(/no v1,<base64> entry/);
    expect(refusal(delivery({ signatureHeader: "v1,not-base64-at-all!" }))).toMatch(
      /No webhook-signature entry matches/,
    );
    expect(refusal(delivery({ timestamp: "2026-11-16T10:00:00Z" }))).toMatch(/Unix seconds/);
    expect(refusal(delivery({ id: "has spaces" }))).toMatch(/printable ASCII/);
    expect(refusal(delivery({ id: "x".repeat(257) }))).toMatch(/printable ASCII/);
  });

  it("refuses missing headers, naming the header", () => {
    expect(refusal(delivery({ id: undefined }))).toMatch(/Missing webhook-id/);
    expect(refusal(delivery({ timestamp: null }))).toMatch(/Missing webhook-timestamp/);
    expect(refusal(delivery({ signatureHeader: "" }))).toMatch(/Missing webhook-signature/);
  });

  it("signs the raw bytes, so a body that is not UTF-8 text still verifies", () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);
    const signatureHeader = signWebhook({ id: ID, timestamp: NOW, body: bytes, secret: SECRET });
    expect(verifyWebhook(delivery({ rawBody: bytes, signatureHeader }))).toBe(ID);
  });
});
