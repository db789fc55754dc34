import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { SyncFunctionName } from '../../lambdas/contracts';
import { settingsFromContext } from '../../lib/app-context';
import { KomboSyncStack } from '../../lib/kombo-sync-stack';
import { LOCAL_INVOKE_CONTEXT_KEY } from '../../lib/local-invoke';

const root = path.resolve(import.meta.dirname, '../..');

export interface LocalInvokeStack {
  /** Names the template file, `<stackName>.template.json`. */
  readonly stackName: string;
  /** What `sam local invoke` is given and what the env file is keyed by. */
  readonly functionIds: Record<SyncFunctionName, string>;
}

/**
 * The stack name and the functions' logical ids of the local-invoke template. Built the way `cdk synth` builds
 * the stack (cdk.json's context), without bundling: a second or two rather than an esbuild run per function.
 */
export function localInvokeStack(): LocalInvokeStack {
  const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], [LOCAL_INVOKE_CONTEXT_KEY]: true },
  });
  const settings = settingsFromContext(app.node.getAllContext());
  const stack = new KomboSyncStack(app, settings.stackName, settings.stackProps);
  const idOf = (name: SyncFunctionName) => stack.getLogicalId(stack.functions[name].node.defaultChild as CfnFunction);
  return {
    stackName: settings.stackName,
    functionIds: { webhook: idOf('webhook'), worker: idOf('worker'), fullSync: idOf('fullSync') },
  };
}
