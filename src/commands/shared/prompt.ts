/** The yes/no question commands ask before they change files. */
import type { CommandContext } from './context.js';

/**
 * Ask a y/n question on stdout and read the answer from stdin until it is y or n (sops accepts
 * nothing else; `yes`/`no` are taken too). Undefined at the end of input.
 */
export async function askYesNo(ctx: CommandContext, prompt: string): Promise<boolean | undefined> {
  await ctx.beforeAsking();
  for (;;) {
    ctx.io.stdout.write(prompt);
    const line = await ctx.io.readLine();
    if (line === undefined) {
      ctx.io.stdout.write('\n');
      return undefined;
    }
    const answer = line.trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return true;
    if (answer === 'n' || answer === 'no') return false;
  }
}
