/**
 * The merge driver (`tsops git merge-driver %O %A %B %P`): git gives the common ancestor, ours
 * and theirs as temp files and takes %A as the result. Sops files merge value by value on their
 * decrypted trees and are written encrypted with ours' data key and recipients (theirs' when only
 * theirs changed them): values unchanged keep their ciphertext, the MAC is fresh. A conflict keeps
 * both sides inside the value, still encrypted, and exits non-zero so git marks the file
 * conflicted. Other files merge as text.
 */
import { ValueCipher } from '../core/cipher.js';
import { TsopsError, messageOf } from '../errors.js';
import { formatForPath } from '../formats/index.js';
import { masterKeyId } from '../core/metadata.js';
import type { CommandContext } from '../commands/shared/context.js';
import { encryptAndRender } from '../commands/shared/sops-file.js';
import { DocumentCountConflict, mergeBranches } from './merge-tree.js';
import { classifySide, decryptSide, readGitFile, type DecryptedSide } from './sops-side.js';
import type { SopsDocument } from '../core/document.js';

export interface MergeDriverOptions {
  /** %O: the common ancestor (empty when the file was added on both sides). */
  base: string;
  /** %A: ours, and where the result goes. */
  ours: string;
  /** %B: theirs. */
  theirs: string;
  /** %P: the path in the repository, which decides the format. */
  path: string;
}

const CONFLICT = 1;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function recipientsOf(doc: SopsDocument): string {
  return JSON.stringify(doc.metadata.keyGroups.map((g) => g.map((k) => `${k.type}:${masterKeyId(k)}`).sort()));
}

export async function mergeDriverCommand(ctx: CommandContext, o: MergeDriverOptions): Promise<void> {
  const read = (p: string) => readGitFile(ctx, p);
  const baseBytes = read(o.base);
  const oursBytes = read(o.ours);
  const theirsBytes = read(o.theirs);
  const format = formatForPath(o.path);
  const store = ctx.store(format);
  const ours = classifySide(store, oursBytes);
  const theirs = classifySide(store, theirsBytes);
  if (ours.kind !== 'sops' || theirs.kind !== 'sops') {
    if (ours.kind === 'sops' || theirs.kind === 'sops') {
      ctx.warn(`${o.path}: only one side is a sops file, merging it as text`);
    }
    return mergeAsText(ctx, o);
  }
  const base = classifySide(store, baseBytes);

  const opened: DecryptedSide[] = [];
  try {
    const open = async (doc: SopsDocument, side: string): Promise<DecryptedSide> => {
      try {
        const d = await decryptSide(ctx, doc, `${o.path} (${side})`);
        opened.push(d);
        return d;
      } catch (e) {
        if (!(e instanceof TsopsError)) throw e;
        // the message already starts with `<path> (<side>): `
        throw new TsopsError(e.code, `cannot merge ${messageOf(e)}`, {
          details: e.details,
          hint: 'the file is left as ours and marked conflicted; merge it where all sides can be decrypted',
          cause: e,
        });
      }
    };
    const oursSide = await open(ours.doc, 'ours');
    const theirsSide = await open(theirs.doc, 'theirs');
    let baseSide: DecryptedSide | undefined;
    if (base.kind === 'sops') {
      try {
        baseSide = await open(base.doc, 'base');
      } catch (e) {
        // Without the ancestor every difference is a conflict, which is still safe to write.
        ctx.warn(`${o.path}: the common ancestor cannot be decrypted (${messageOf(e).split('\n')[0]}); every difference is a conflict`);
      }
    } else if (base.kind === 'plain') {
      ctx.warn(`${o.path}: the common ancestor is not a sops file; every difference is a conflict`);
    }

    // Values the selector leaves clear are written clear: the sides must agree on what is encrypted.
    if (JSON.stringify(oursSide.doc.metadata.selector) !== JSON.stringify(theirsSide.doc.metadata.selector)) {
      throw new TsopsError('GENERIC', `cannot merge ${o.path}: ours and theirs encrypt different values (their unencrypted/encrypted rules differ)`, {
        hint: 'the file is left as ours and marked conflicted; make both sides use the same rule, then merge again',
        exitCode: CONFLICT,
      });
    }

    let merged;
    try {
      merged = mergeBranches(baseSide?.doc.branches, oursSide.doc.branches, theirsSide.doc.branches);
    } catch (e) {
      if (!(e instanceof DocumentCountConflict)) throw e;
      throw new TsopsError('GENERIC', `cannot merge ${o.path}: ${e.message}`, {
        hint: 'the file is left as ours and marked conflicted; resolve it with `tsops edit`',
        exitCode: CONFLICT,
      });
    }

    // The keys of ours, unless only theirs changed them (updatekeys, rotate): a merge must never
    // undo a rotation or a removed recipient, or new values would be readable by a revoked key.
    const keysChanged = (side: DecryptedSide): boolean =>
      baseSide === undefined || !sameBytes(side.dataKey, baseSide.dataKey) || recipientsOf(side.doc) !== recipientsOf(baseSide.doc);
    const oursChanged = keysChanged(oursSide);
    const theirsChanged = keysChanged(theirsSide);
    const keeper = !oursChanged && theirsChanged ? theirsSide : oursSide;
    const other = keeper === oursSide ? theirsSide : oursSide;
    const sameKey = sameBytes(keeper.dataKey, other.dataKey);
    if (keeper === theirsSide) ctx.debug(`${o.path}: theirs changed the data key or recipients; the merged file uses theirs'`);
    else if (theirsChanged && (!sameKey || recipientsOf(oursSide.doc) !== recipientsOf(theirsSide.doc))) {
      ctx.warn(
        `${o.path}: ours and theirs have different data keys or recipients; the merged file keeps ours' ` +
          `(run \`tsops updatekeys\` or \`tsops rotate -i\` on it if theirs removed a key)`,
      );
    }
    // Under the same data key the other side's IVs reproduce its ciphertexts, so values taken from
    // it keep them too; under another key only the keeper's IVs may be used.
    const stash = sameKey ? new Map([...other.cipher.ivStash(), ...keeper.cipher.ivStash()]) : keeper.cipher.ivStash();
    const cipher = new ValueCipher(keeper.dataKey, stash);
    const doc: SopsDocument = { branches: merged.branches, metadata: { ...keeper.doc.metadata } };
    const input = { bytes: oursBytes, name: o.path, filePath: ctx.absolute(o.ours), inputFormat: format, outputFormat: format };
    const out = encryptAndRender(ctx, { doc, input, name: o.path }, cipher);

    try {
      ctx.io.writeFileAtomic(ctx.absolute(o.ours), out);
    } catch (e) {
      throw new TsopsError('WRITE_OUTPUT', `could not write the merge of ${o.path}: ${messageOf(e)}`, { cause: e });
    }
    if (merged.conflicts.length > 0) {
      const n = merged.conflicts.length;
      throw new TsopsError('GENERIC', `${o.path}: ${n} conflicting value${n === 1 ? '' : 's'} at ${merged.conflicts.join(', ')}; both sides are kept, encrypted`, {
        hint: `resolve them with \`tsops edit ${o.path}\` (look for <<<<<<< ours), then \`git add ${o.path}\``,
        exitCode: CONFLICT,
      });
    }
  } finally {
    for (const d of opened) d.dataKey.fill(0);
  }
}

/** `git merge-file`, which writes the result (with conflict markers) into ours. */
async function mergeAsText(ctx: CommandContext, o: MergeDriverOptions): Promise<void> {
  const r = await ctx.io.run(
    ['git', 'merge-file', '-L', 'ours', '-L', 'base', '-L', 'theirs', ctx.absolute(o.ours), ctx.absolute(o.base), ctx.absolute(o.theirs)],
    { env: { ...ctx.io.env } },
  );
  if (r.code === 0) return;
  const err = Buffer.from(r.stderr).toString('utf8').trim();
  if (r.code > 0 && r.code < 128) {
    throw new TsopsError('GENERIC', `${o.path}: ${r.code} conflict${r.code === 1 ? '' : 's'} in a file merged as text`, {
      hint: 'resolve the conflict markers, then `git add` the file',
      exitCode: CONFLICT,
    });
  }
  throw new TsopsError('GENERIC', `${o.path}: git merge-file failed${err === '' ? '' : `: ${err.split('\n')[0]}`}`, { exitCode: CONFLICT });
}
