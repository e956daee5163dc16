export { signUnsubscribeToken, type UnsubscribeClaim, verifyUnsubscribeToken } from "./token.ts";
