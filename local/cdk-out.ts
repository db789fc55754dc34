import { readFileSync } from 'node:fs';
import path from 'node:path';

interface TemplateResource {
  Type: string;
  Properties?: { Description?: string };
  Metadata?: Record<string, unknown>;
}

/**
 * Finds a function's bundled code in a synthesized cloud assembly: the asset directory that
 * `cdk synth` wrote for the function whose description matches, and its logical id.
 */
export function bundledFunction(
  assemblyDir: string,
  stackName: string,
  description: RegExp,
): { logicalId: string; entry: string } {
  const templatePath = path.join(assemblyDir, `${stackName}.template.json`);
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as { Resources: Record<string, TemplateResource> };
  const match = Object.entries(template.Resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && description.test(resource.Properties?.Description ?? ''),
  );
  if (!match) throw new Error(`no function matching ${description} in ${templatePath}`);
  const [logicalId, resource] = match;
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new Error(`${logicalId} has no bundled asset (was bundling skipped?)`);
  return { logicalId, entry: path.join(assemblyDir, assetPath, 'index.mjs') };
}

export const WEBHOOK_FUNCTION = /verifies Kombo webhooks/;
