/** Process entry point: the only module that touches `process` directly. */
import { nodeIo } from './io/node-io.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), nodeIo());
process.exitCode = code;
