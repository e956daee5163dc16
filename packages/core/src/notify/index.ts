export { afterDelivery, type DeliveryResult, type NoticeChange, type NoticeOutcome } from "./outcome.ts";
export {
  deliveryOf,
  NOTIFY_MAX_ATTEMPTS,
  NOTIFY_RETRY_DELAYS_MS,
  noticeType,
  noticeWebhookId,
  planNotice,
  retryDelayMs,
  webhookBody,
} from "./plan.ts";
export { type NotifyRun, runNotifyTimer } from "./run-notify.ts";
