import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { settingsFromContext } from '../../lib/app-context';
import { KomboSyncStack } from '../../lib/kombo-sync-stack';
import { addSecurityChecks } from '../../lib/security-checks';

export interface SynthOptions {
  /** Real esbuild bundling (slow, ~1 s per function); off by default. */
  readonly bundle?: boolean;
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
}

/**
 * The context `cdk.json` gives `cdk synth` (feature flags included). `new App()` does not read
 * cdk.json, so without this the tests would check a template other than the one that deploys.
 */
const cdkJsonContext =
  (
    JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
      context?: Record<string, unknown>;
    }
  ).context ?? {};

/** Builds the app the way bin/kombo-sync.ts does under `cdk synth`, cdk-nag included. */
export function synthApp(options: SynthOptions = {}) {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...cdkJsonContext,
      // The CLI sets this; sam local and local/cdk-out.ts find bundles by it.
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const settings = settingsFromContext(app.node.getAllContext());
  const stack = new KomboSyncStack(app, settings.stackName, settings.stackProps);
  addSecurityChecks(app);
  return { app, stack };
}

export function synthTemplate(options: SynthOptions = {}): Template {
  return Template.fromStack(synthApp(options).stack);
}
