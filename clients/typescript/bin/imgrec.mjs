#!/usr/bin/env node
// The `imgrec` command. The CLI is TypeScript, run through tsx (a devDependency of the repository), so a fresh clone
// needs `npm ci` and no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
