import type { Context } from 'aws-lambda';
import type { FunctionId } from '../../lib/api/functions.ts';
import { requireEnv } from '../../lib/config/env.ts';
import { ENV } from '../../lib/resources.ts';
import { s3FailureSink } from '../adapters/s3FailureSink.ts';
import { type AppDeps, depsFromEnv } from './deps.ts';
import { type DepsOf, pickDeps } from './functionDeps.ts';

let deps: AppDeps | undefined;

/** The Lambda runtime's dependencies, built once per container on first use. */
export function lambdaDeps(): AppDeps {
  deps ??= depsFromEnv(process.env, s3FailureSink(requireEnv(process.env, ENV.failureBucket)));
  return deps;
}

/** A Lambda handler as the runtime (and the local stack) invokes it. */
export type Invocable<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * A Lambda entry point over a factory that takes its dependencies: the same factory the local
 * stack calls, handed only its function's declared share (`pickDeps`), as the local registry does.
 */
export function lambdaEntry<F extends FunctionId, E, R>(
  factory: (deps: DepsOf<F>) => Invocable<E, R>,
  id: F,
): Invocable<E, R> {
  let handler: Invocable<E, R> | undefined;
  return (event, context) => {
    handler ??= factory(pickDeps(lambdaDeps(), id));
    return handler(event, context);
  };
}
