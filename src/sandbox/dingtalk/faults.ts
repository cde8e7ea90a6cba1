// Injected faults: "the next n calls fail" and per-user flow control on oToMessages/batchSend.
import { isNewApi, type SimResponse } from './http.js';
import { requestId } from './ids.js';
import type { FailureSpec } from './types.js';

interface PendingFailure extends FailureSpec {
  remaining: number;
}

/** Holds the armed faults and hands them out to matching requests. */
export class Faults {
  private failures: PendingFailure[] = [];
  private readonly flowControlled = new Map<string, number>();

  failNext(n: number, failure: FailureSpec): void {
    if (n > 0) this.failures.push({ ...failure, remaining: n });
  }

  /** The injected failure for this request (HTTP status as given), if one is armed for its path. */
  take(path: string): SimResponse | undefined {
    const failure = this.failures.find((f) => path.startsWith(f.pathPrefix ?? '/'));
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures = this.failures.filter((f) => f !== failure);
    return { status: failure.status, body: failure.body ?? defaultBody(path, failure.status) };
  }

  flowControl(userIds: string[], times: number): void {
    for (const userId of userIds) this.flowControlled.set(userId, times);
  }

  /** True when this user is throttled for this send (consumes one of its armed times). */
  isFlowControlled(userId: string): boolean {
    const left = this.flowControlled.get(userId) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.flowControlled.delete(userId);
    else this.flowControlled.set(userId, left - 1);
    return true;
  }
}

function defaultBody(path: string, status: number): unknown {
  if (!isNewApi(path)) return { errcode: -1, errmsg: '系统繁忙', request_id: requestId() };
  const [code, message] =
    status === 403
      ? ['Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', '调用该接口触发了应用级限流']
      : status === 504
        ? ['gatewayTimeout', '网关超时']
        : status >= 500
          ? ['system.busy', '系统繁忙，请稍后重试']
          : ['injected.failure', '模拟器注入的错误'];
  return { code, message, requestid: requestId() };
}
