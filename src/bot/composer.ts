// A small grammY-style composer: everything inbound is middleware, a feature is a sub-composer, and the
// first handler that does not call `next()` wins. No error handling here: errors propagate to the one
// catch in the bot's `handle` (STYLE.md "Errors").

/** Calls the rest of the chain. */
export type NextFn = () => Promise<void>;

/** One link of the chain; returning without calling `next` ends the dispatch. */
export type Middleware<C> = (ctx: C, next: NextFn) => unknown;

/** Composable middleware stack. */
export class Composer<C> {
  private readonly stack: Middleware<C>[] = [];

  constructor(...middleware: Middleware<C>[]) {
    this.stack.push(...middleware);
  }

  /** Appends middleware (or other composers' `middleware()`). */
  use(...middleware: Middleware<C>[]): this {
    this.stack.push(...middleware);
    return this;
  }

  /** Runs `middleware` only when `predicate` holds; otherwise passes on. */
  filter(predicate: (ctx: C) => boolean, ...middleware: Middleware<C>[]): this {
    const inner = new Composer<C>(...middleware).middleware();
    return this.use((ctx, next) => (predicate(ctx) ? inner(ctx, next) : next()));
  }

  /** The whole stack as one middleware. */
  middleware(): Middleware<C> {
    const stack = [...this.stack];
    return (ctx, next) => runStack(stack, ctx, next);
  }

  /** Dispatches `ctx` through the stack; resolves when the chain ends. */
  async run(ctx: C): Promise<void> {
    await runStack(this.stack, ctx, async () => undefined);
  }
}

async function runStack<C>(stack: Middleware<C>[], ctx: C, last: NextFn): Promise<void> {
  const at = async (index: number): Promise<void> => {
    const middleware = stack[index];
    if (middleware === undefined) return last();
    let called = false;
    await middleware(ctx, async () => {
      // Calling next twice would run the rest of the chain twice: a bug, not a retry.
      if (called) throw new Error('next() called more than once');
      called = true;
      await at(index + 1);
    });
  };
  await at(0);
}
