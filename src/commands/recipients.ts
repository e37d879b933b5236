/**
 * `tsops recipients FILE...`: who can open a file, read from its metadata alone (nothing is
 * decrypted, no key is needed): each key group with its keys' names (`.sops.yaml` anchors),
 * types and identities, and the Shamir threshold when there are several groups.
 */
import type { MasterKey } from '../core/keys-model.js';
import { masterKeyId } from '../core/metadata.js';
import type { CommandContext } from './shared/context.js';
import { parseSopsFile, readInput } from './shared/files.js';
import { recipientNamer } from './shared/recipient-names.js';

export interface RecipientsOptions {
  files: string[];
  inputType?: string | undefined;
}

/** A key's type as people know it: age recipients by their kind, other types by sops' name. */
export function keyTypeLabel(key: MasterKey): string {
  if (key.type !== 'age') return key.type;
  const r = key.recipient;
  if (r.startsWith('age1pq1')) return 'age post-quantum';
  if (r.startsWith('ssh-ed25519 ')) return 'age ssh-ed25519';
  if (r.startsWith('ssh-rsa ')) return 'age ssh-rsa';
  // bech32 data never contains `1`: a later one ends a plugin's `age1<name>` prefix
  const separator = r.lastIndexOf('1');
  if (r.startsWith('age1') && separator > 3) return `age plugin ${r.slice(4, separator)}`;
  return 'age X25519';
}

export async function recipientsCommand(ctx: CommandContext, options: RecipientsOptions): Promise<void> {
  const nameOf = recipientNamer(ctx);
  let out = '';
  for (const file of options.files) {
    const input = await readInput(ctx, { file, inputType: options.inputType }, false);
    const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, file);
    const groups = doc.metadata.keyGroups;
    const t = doc.metadata.shamirThreshold;
    const rule =
      groups.length <= 1 ? 'any one key opens it'
      : t === 0 || t >= groups.length ? 'a key of every group is needed'
      : `keys of any ${t} of the groups open it`;
    out += `${file}: ${groups.length} key group${groups.length === 1 ? '' : 's'}, ${rule}\n`;
    groups.forEach((group, i) => {
      out += `  group ${i + 1}\n`;
      const rows = group.map((k) => {
        const id = masterKeyId(k);
        return [nameOf(id) ?? '-', keyTypeLabel(k), id] as const;
      });
      const w0 = Math.max(0, ...rows.map((r) => r[0].length));
      const w1 = Math.max(0, ...rows.map((r) => r[1].length));
      for (const [name, type, id] of rows) out += `    ${name.padEnd(w0)}  ${type.padEnd(w1)}  ${id}\n`;
    });
  }
  ctx.io.stdout.write(out);
}
