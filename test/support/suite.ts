import { suite as uvuSuite } from 'uvu';
import type { Callback, Test } from 'uvu';

type Hook<T> = Test<T>['before'];

/**
 * uvu's suite, except that an error thrown in a `before` hook fails the suite's tests with that
 * error. uvu 0.5 runs its hooks inside a `try … finally` whose `finally` returns, which drops the
 * error: the suite printed "(0 / N)" with no message, and `npm test` still exited 0. Here the first
 * test fails with the hook's own error (message and stack) and the others say why they did not run.
 */
export function suite<T = Record<string, unknown>>(title?: string, context?: T): Test<T> {
  const inner = uvuSuite<T>(title, context);
  let setupFailure: { readonly error: unknown; reported: boolean } | null = null;

  const guarded =
    (handler: Callback<T>): Callback<T> =>
    async (state) => {
      if (setupFailure) {
        if (!setupFailure.reported) {
          setupFailure.reported = true;
          throw setupFailure.error;
        }
        throw new Error(`not run: a before hook of ${title ? `"${title}"` : 'this suite'} failed (its error is shown with the first test)`);
      }
      await handler(state);
    };

  const before: Hook<T> = Object.assign(
    (hook: Callback<T>) => {
      inner.before(async (state) => {
        // After one hook failed the suite is broken: the later hooks would fail on what it left undone.
        if (setupFailure) return;
        try {
          await hook(state);
        } catch (error) {
          setupFailure = { error, reported: false };
        }
      });
    },
    { each: (hook: Callback<T>) => inner.before.each(hook) },
  );

  return Object.assign((name: string, handler: Callback<T>) => inner(name, guarded(handler)), {
    only: (name: string, handler: Callback<T>) => inner.only(name, guarded(handler)),
    skip: (name?: string, handler?: Callback<T>) => inner.skip(name, handler),
    before,
    after: inner.after,
    run: () => inner.run(),
  });
}
