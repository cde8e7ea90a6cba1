// The three kinds of error (STYLE.md "Errors"): UserError is expected and shown to the user in Chinese,
// ExternalError comes from DingTalk / the back office / the e-licence source, anything else is a bug.

/** An expected problem whose Chinese message is shown to the user as it is. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code = 'user_error',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

export type ExternalService = 'dingtalk' | 'backoffice' | 'elicence';

/** A failed call to another system; `retryable` tells the outbox whether to try again. */
export class ExternalError extends Error {
  constructor(
    readonly service: ExternalService,
    message: string,
    readonly details: { status?: number; code?: string; retryable: boolean; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'ExternalError';
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get code(): string | undefined {
    return this.details.code;
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof ExternalError ? error.retryable : true;
}
