/**
 * The diff driver's textconv (`tsops git textconv FILE`): git runs it on each version of a file
 * it shows, so `git diff`, `git log -p` and `git show` compare plaintext, followed by the
 * file's recipients on `#> sops` lines. It never fails the diff: a file that is not a sops file,
 * or one this run cannot open, is printed as it is.
 */
import { messageOf } from '../errors.js';
import { formatForPath } from '../formats/index.js';
import type { CommandContext } from '../commands/shared/context.js';
import { masterKeyId } from '../core/metadata.js';
import type { SopsDocument } from '../core/document.js';
import { recipientNamer } from '../commands/shared/recipient-names.js';
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
  const last = out[out.length - 1];
  ctx.io.stdout.write(`${last === undefined || last === 0x0a ? '' : '\n'}${recipientLines(ctx, side.doc)}`);
}

/**
 * Who can open this version, one line per key after the plaintext, so a commit that adds or
 * removes a recipient shows in the diff as well (it changes no value). Marked as not part of the file.
 */
export function recipientLines(ctx: CommandContext, doc: SopsDocument): string {
  const nameOf = recipientNamer(ctx);
  const groups = doc.metadata.keyGroups;
  let out = '';
  if (groups.length > 1) out += `#> sops shamir_threshold: ${doc.metadata.shamirThreshold || groups.length}\n`;
  groups.forEach((group, i) => {
    for (const key of group) {
      const id = masterKeyId(key);
      const name = nameOf(id);
      const shown = name === undefined ? id : `${name} (${id})`;
      out += `#> sops group ${i + 1}: ${key.type === 'age' ? '' : `${key.type} `}${shown}\n`;
    }
  });
  return out;
}
