import { Stack } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LOCAL_ONLY_ENV, type SyncFunctionName } from '../lambdas/contracts';

/** The context key (`cdk synth -c localInvoke=true`) that makes the template one for `sam local` only. */
export const LOCAL_INVOKE_CONTEXT_KEY = 'localInvoke';

/**
 * Makes the template one that `sam local invoke --env-vars` can drive: SAM overrides only variables a function
 * declares, so each function declares its local-only variables (LOCAL_ONLY_ENV), empty: a function started
 * without an env file still asks for its secret's ARN or the override by name instead of running on a value nobody
 * chose. The functions ignore the secret overrides wherever that ARN is set in Lambda (lambdas/core/config.ts),
 * so even a deployed copy of this template would not take a planted secret; it is marked all the same.
 */
export function declareLocalOnlyVariables(functions: Record<SyncFunctionName, LambdaFunction>): void {
  for (const [name, fn] of Object.entries(functions) as [SyncFunctionName, LambdaFunction][]) {
    for (const variable of LOCAL_ONLY_ENV[name]) fn.addEnvironment(variable, '');
  }
  const stack = Stack.of(functions.webhook);
  stack.templateOptions.description = 'kombo-sync, LOCAL INVOKE ONLY (sam local): do not deploy this template';
}
