/** DynamoStore against DynamoDB Local: each behaviour of the Store port, on a fresh table, at a frozen NOW. */
import { countRequests, DynamoStore } from "@redial/aws";
import { StoreConflict } from "@redial/core";
import { describe, expect, it } from "vitest";
import {
  change,
  clock,
  DAY_MS,
  freshStore,
  idsInDistinctShards,
  NOW,
  prospectAt,
  queueEntry,
  receipt,
  timer,
} from "../support/dynamo.ts";

describe("DynamoStore.load", () => {
  it("answers an unknown prospect, webhook id and address in one BatchGetItem", async () => {
    const { client, store } = await freshStore({ clock });
    const requests = countRequests(client);

    const loaded = await store.load({
      prospectId: "p-1",
      webhookId: "wh-1",
      email: "dana@northwind.example",
    });

    expect(loaded).toEqual({ prospect: null, receipt: null, suppressed: false });
    expect(requests.counts).toEqual({ BatchGetItem: 1 });
  });

  it("returns the prospect, the receipt and the suppression in one BatchGetItem", async () => {
    const { client, store } = await freshStore({ clock });
    await store.commit(change(prospectAt("p-1", 1), { receipt: receipt("wh-1") }));
    await store.addSuppression("dana@northwind.example", "unsubscribed");
    const requests = countRequests(client);

    const loaded = await store.load({
      prospectId: "p-1",
      webhookId: "wh-1",
      email: "Dana@Northwind.example",
    });

    expect(loaded.prospect).toEqual(prospectAt("p-1", 1));
    expect(loaded.receipt).toEqual(receipt("wh-1"));
    expect(loaded.suppressed).toBe(true);
    expect(requests.counts).toEqual({ BatchGetItem: 1 });
  });
});

describe("DynamoStore.commit", () => {
  it("writes the prospect and its timeline in one transaction; getProspect reads them back oldest first", async () => {
    const { client, store } = await freshStore({ clock });
    const requests = countRequests(client);

    await store.commit(change(prospectAt("p-1", 1)));
    await store.commit(change(prospectAt("p-1", 2, { status: "nurturing" })));

    expect(requests.counts).toEqual({ TransactWriteItems: 2 });
    const stored = await store.getProspect("p-1");
    expect(stored?.prospect).toEqual(prospectAt("p-1", 2, { status: "nurturing" }));
    expect(stored?.timeline.map((entry) => [entry.version, entry.status])).toEqual([
      [1, "retrying"],
      [2, "nurturing"],
    ]);
  });

  it("returns null for a prospect it never stored", async () => {
    const { store } = await freshStore({ clock });
    expect(await store.getProspect("nobody")).toBeNull();
  });

  it("refuses a change made on a stale version with StoreConflict('version') and writes nothing", async () => {
    const { store } = await freshStore({ clock });
    await store.commit(change(prospectAt("p-1", 1)));
    await store.commit(change(prospectAt("p-1", 2)));

    const stale = change(prospectAt("p-1", 2, { status: "nurturing" }), {
      receipt: receipt("wh-late"),
      timersAdded: [timer("2.1", "2026-11-17T14:00:00.000Z")],
    });
    await expect(store.commit(stale)).rejects.toEqual(new StoreConflict("version"));

    const stored = await store.getProspect("p-1");
    expect(stored?.prospect.status).toBe("retrying");
    expect(stored?.timeline).toHaveLength(2);
    expect((await store.load({ prospectId: "p-1", webhookId: "wh-late" })).receipt).toBeNull();
    expect(await store.listDueTimers(NOW, 10)).toEqual([]);
  });

  it("refuses a webhook id already applied with StoreConflict('duplicate')", async () => {
    const { store } = await freshStore({ clock });
    await store.commit(change(prospectAt("p-1", 1), { receipt: receipt("wh-1") }));

    const again = change(prospectAt("p-1", 2), { receipt: receipt("wh-1") });

    await expect(store.commit(again)).rejects.toEqual(new StoreConflict("duplicate"));
    expect((await store.getProspect("p-1"))?.prospect.version).toBe(1);
  });

  it("keeps receipts in real time: a business clock moved 8 days on does not expire them", async () => {
    const { store } = await freshStore({ clock });
    await store.commit(change(prospectAt("p-1", 1), { receipt: receipt("wh-1") }));

    const eightDaysOn = new Date(NOW.getTime() + 8 * DAY_MS);
    const redelivery = change(prospectAt("p-1", 2), { receipt: receipt("wh-1"), now: eightDaysOn });

    await expect(store.commit(redelivery)).rejects.toEqual(new StoreConflict("duplicate"));
    expect((await store.getProspect("p-1"))?.prospect.version).toBe(1);
  });

  it("treats a receipt past its expiresAt, not yet deleted by TTL, as absent on load and on commit", async () => {
    const { client, tableName, store } = await freshStore({ clock });
    const eightDaysAgo = new Date(NOW.getTime() - 8 * DAY_MS);
    const pastStore = new DynamoStore({ client, tableName, clock: { now: () => eightDaysAgo } });
    await pastStore.commit(change(prospectAt("p-1", 1), { receipt: receipt("wh-1") }));

    const loaded = await store.load({ prospectId: "p-1", webhookId: "wh-1" });
    await store.commit(change(prospectAt("p-1", 2), { receipt: receipt("wh-1") }));

    expect(loaded.receipt).toBeNull();
    expect((await store.getProspect("p-1"))?.prospect.version).toBe(2);
    expect((await store.load({ prospectId: "p-1", webhookId: "wh-1" })).receipt).toEqual(receipt("wh-1"));
  });

  it("puts the suppressions a decision asks for", async () => {
    const { store } = await freshStore({ clock });

    await store.commit(change(prospectAt("p-1", 1), { suppress: ["Dana@Northwind.example"] }));

    expect((await store.load({ prospectId: "p-1", email: "dana@northwind.example" })).suppressed).toBe(true);
  });

  it("keeps the first suppression's reason and date when a later decision suppresses again", async () => {
    const { store } = await freshStore({ clock });
    const optOut = change(prospectAt("p-1", 1), { suppress: ["dana@northwind.example"] });
    await store.commit({ ...optOut, timeline: { ...optOut.timeline, rule: "R0" } });

    const later = change(prospectAt("p-1", 2), {
      suppress: ["dana@northwind.example"],
      now: new Date(NOW.getTime() + DAY_MS),
    });
    await store.commit({ ...later, timeline: { ...later.timeline, rule: "R11" } });

    const { items } = await store.listSuppressions({ limit: 10 });
    expect(items).toEqual([{ email: "dana@northwind.example", reason: "R0", at: NOW.toISOString() }]);
  });
});

describe("DynamoStore.listDueTimers", () => {
  it("lists timers only once due, oldest first across shards, and drops removed ones", async () => {
    const { store } = await freshStore({ clock });
    const [a, b, c] = idsInDistinctShards(3) as [string, string, string];
    await store.commit(change(prospectAt(a, 1), { timersAdded: [timer("1.1", "2026-11-17T14:00:00Z")] }));
    await store.commit(
      change(prospectAt(b, 1), { timersAdded: [timer("1.1", "2026-11-17T09:00:00-06:00")] }),
    );
    await store.commit(
      change(prospectAt(c, 1), {
        timersAdded: [timer("1.1", "2026-11-17T13:00:00Z"), timer("1.2", "2026-11-18T13:00:00Z")],
      }),
    );

    const due = await store.listDueTimers(NOW, 10);

    expect(due.map((d) => [d.prospectId, d.timer.id])).toEqual([
      [c, "1.1"],
      [a, "1.1"],
      [b, "1.1"], // 15:00Z: due at exactly now
    ]);
    expect(await store.listDueTimers(NOW, 2)).toEqual(due.slice(0, 2));
    expect(
      (await store.listDueTimers(new Date("2026-11-18T13:00:00Z"), 10)).map((d) => d.timer.id),
    ).toContain("1.2");

    await store.commit(change(prospectAt(c, 2), { timersRemoved: [timer("1.1", "2026-11-17T13:00:00Z")] }));
    expect((await store.listDueTimers(NOW, 10)).map((d) => d.prospectId)).toEqual([a, b]);
  });
});

describe("DynamoStore.listCallQueue", () => {
  async function queued() {
    const fresh = await freshStore({ clock });
    const [p1, p2, p3, p4] = idsInDistinctShards(4) as [string, string, string, string];
    const enqueue = (id: string, owner: string, dueAt: string) =>
      fresh.store.commit(change(prospectAt(id, 1, { status: "queued", queue: queueEntry(owner, dueAt) })));
    await enqueue(p1, "rep-7", "2026-11-20T14:00:00Z");
    await enqueue(p2, "rep-8", "2026-11-18T14:00:00Z");
    await enqueue(p3, "rep-7", "2026-11-19T14:00:00Z");
    await enqueue(p4, "rep-8", "2026-11-21T14:00:00Z");
    return { ...fresh, ids: { p1, p2, p3, p4 } };
  }

  it("lists one owner's entries oldest first", async () => {
    const { store, ids } = await queued();

    const page = await store.listCallQueue({ ownerId: "rep-7", limit: 10 });

    expect(page.items.map((item) => item.prospectId)).toEqual([ids.p3, ids.p1]);
    expect(page.items[0]?.entry.ownerId).toBe("rep-7");
    expect(page.cursor).toBeUndefined();
  });

  it("lists every owner's entries oldest first, page by page", async () => {
    const { store, ids } = await queued();

    const first = await store.listCallQueue({ limit: 3 });
    const second = await store.listCallQueue({ limit: 3, cursor: first.cursor });

    expect(first.items.map((item) => item.prospectId)).toEqual([ids.p2, ids.p3, ids.p1]);
    expect(second.items.map((item) => item.prospectId)).toEqual([ids.p4]);
    expect(second.cursor).toBeUndefined();
  });

  it("keeps only entries due before dueBefore, also across pages", async () => {
    const { store, ids } = await queued();
    const dueBefore = new Date("2026-11-21T14:00:00Z");

    const first = await store.listCallQueue({ dueBefore, limit: 2 });
    const second = await store.listCallQueue({ dueBefore, limit: 2, cursor: first.cursor });

    expect(first.items.map((item) => item.prospectId)).toEqual([ids.p2, ids.p3]);
    expect(second.items.map((item) => item.prospectId)).toEqual([ids.p1]);
    expect(second.cursor).toBeUndefined();
  });

  it("drops a prospect that left the queue", async () => {
    const { store, ids } = await queued();

    await store.commit(change(prospectAt(ids.p3, 2, { status: "retrying" })));

    expect(
      (await store.listCallQueue({ ownerId: "rep-7", limit: 10 })).items.map((i) => i.prospectId),
    ).toEqual([ids.p1]);
  });
});

describe("DynamoStore suppressions", () => {
  it("adds, lists in address order page by page, and removes", async () => {
    const { store } = await freshStore({ clock });
    for (const email of ["c@x.example", "A@x.example", "b@x.example"])
      await store.addSuppression(email, "complaint");

    const first = await store.listSuppressions({ limit: 2 });
    const second = await store.listSuppressions({ limit: 2, cursor: first.cursor });
    const removed = await store.removeSuppression("B@x.example");
    const removedAgain = await store.removeSuppression("b@x.example");

    expect(first.items).toEqual([
      { email: "a@x.example", reason: "complaint", at: NOW.toISOString() },
      { email: "b@x.example", reason: "complaint", at: NOW.toISOString() },
    ]);
    expect(second.items.map((s) => s.email)).toEqual(["c@x.example"]);
    expect([removed, removedAgain]).toEqual([true, false]);
    expect((await store.listSuppressions({ limit: 10 })).items.map((s) => s.email)).toEqual([
      "a@x.example",
      "c@x.example",
    ]);
  });
});
