#!/usr/bin/env node
// Runs the bundled CLI when it was built (`npm run build`), else the plain compiled modules.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/tsops.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/src/bin.js');
