#!/usr/bin/env node
// The operator CLI (`npx kombo-sync <command>`, see README: Operations). The CLI is TypeScript that imports
// the functions' own adapters and domain, so it runs through tsx rather than a build step.
import { register } from 'tsx/esm/api';

// The SDK's notice about the Node.js version would precede every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
