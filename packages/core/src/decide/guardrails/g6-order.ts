/**
 * G6: an event older than the last applied one is recorded on the timeline but cannot move the
 * prospect backwards. Returns why the event is not applied, or null when it may be.
 */
export function staleEventReason(occurredAt: string, lastEventAt: string | undefined): string | null {
  if (!lastEventAt || Date.parse(occurredAt) >= Date.parse(lastEventAt)) return null;
  return `Event occurred at ${occurredAt}, before the last applied event (${lastEventAt}): recorded, not applied (G6)`;
}
