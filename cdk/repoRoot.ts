import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the repository root. Handler entries in FUNCTIONS are relative to it, and
 * esbuild resolves `node_modules` and `package-lock.json` from it, whatever the working directory.
 */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
