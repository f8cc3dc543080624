#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx dashnet` needs no build step.
import { register } from 'tsx/esm/api';

// The SDK's notice about its future Node requirement is not actionable for dashnet's users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
