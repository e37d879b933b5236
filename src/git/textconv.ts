/**
 * The diff driver's textconv (`tsops git textconv FILE`): git runs it on each version of a file
 * it shows, so `git diff`, `git log -p` and `git show` compare plaintext. It never fails the
 * diff: a file that is not a sops file, or one this run cannot open, is printed as it is.
 */
import { messageOf } from '../errors.js';
import { formatForPath } from '../formats/index.js';
import type { CommandContext } from '../commands/context.js';
import { classifySide, decryptSide, readGitFile } from './sops-side.js';

export async function textconvCommand(ctx: CommandContext, file: string): Promise<void> {
  const bytes = readGitFile(ctx, file);
  // git names its temp copy of an old version `XXXXXX_<name>`, so the extension still tells the format
  const format = formatForPath(file);
  const store = ctx.store(format);
  const side = classifySide(store, bytes);
  if (side.kind !== 'sops') {
    ctx.io.stdout.write(bytes);
    return;
  }
  let out: Uint8Array;
  try {
    const opened = await decryptSide(ctx, side.doc, file, false);
    opened.dataKey.fill(0);
    out = store.emitPlain(opened.doc.branches, ctx.emitOptions(format));
  } catch (e) {
    // One version that cannot be opened (an old key, a damaged file) must not end a whole `git log -p`.
    ctx.warn(`cannot decrypt ${file}, showing it encrypted: ${messageOf(e).split('\n')[0]}`);
    ctx.io.stdout.write(bytes);
    return;
  }
  ctx.io.stdout.write(out);
}
