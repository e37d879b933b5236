/**
 * Entry point of the bundled CLI (dist/bundle/tsops.cjs, loaded by bin/tsops.cjs): the same as
 * bin.ts, as a function, because a CommonJS bundle cannot use top-level await.
 */
import { nodeIo } from './io/node-io.js';
import { main } from './main.js';

export async function run(argv: string[]): Promise<void> {
  process.exitCode = await main(argv, nodeIo());
}
