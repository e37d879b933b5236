/**
 * Values no MAC covers, before they are handed to another program (exec-env, exec-file).
 *
 * By sops' design an empty value adds no bytes to the MAC, a null value is never visited, and with
 * `mac_only_encrypted` unencrypted values are left out of it: anyone who can commit can prepend
 * `PATH: ""` or `GIT_SSL_NO_VERIFY: ""` and the file still verifies. Refusing such values would
 * break every legitimate file sops writes with an empty value (an optional setting left blank is
 * common, and no reader can tell it from an injected one), and leaving them out would change what
 * the program sees for those files. So tsops exports them as sops does but names each one in a
 * warning on stderr, where sops says nothing; `decrypt` prints the whole document, whose reader
 * sees every key, so it does not warn.
 */
import { formatKeyPath } from '../../core/document.js';
import { Comment, isList, isMap, type Branches, type Value } from '../../core/tree.js';
import type { CommandContext } from '../shared/context.js';

/** How many names one warning lists before "and N more". */
const MAX_NAMED = 20;

/** Collects the paths reported by `onUncovered`. */
export class UncoveredValues {
  readonly paths: string[][] = [];
  readonly onUncovered = (path: readonly string[]): void => {
    this.paths.push([...path]);
  };
}

/** Key paths of the null values (never visited by the walk, so never in the MAC), in no set order. */
export function nullPaths(branches: Branches): string[][] {
  const out: string[][] = [];
  const pending: Array<[Value, string[]]> = branches.map((b) => [b, []]);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, at] = next;
    if (isMap(node)) {
      for (const item of node.items) {
        if (typeof item.key !== 'string') continue;
        if (item.value === null) out.push([...at, item.key]);
        else pending.push([item.value, [...at, item.key]]);
      }
    } else if (isList(node)) {
      for (const v of node.items) {
        if (v === null) out.push(at);
        else if (!(v instanceof Comment)) pending.push([v, at]);
      }
    }
  }
  return out;
}

function namesOf(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED).join(', ');
  return names.length > MAX_NAMED ? `${shown} and ${names.length - MAX_NAMED} more` : shown;
}

/** One warning naming the environment variables whose values the MAC does not cover. */
export function warnUncoveredVariables(ctx: CommandContext, name: string, keys: readonly string[]): void {
  if (keys.length === 0) return;
  ctx.warn(
    `${name}: no MAC covers the values of ${namesOf(keys)} (empty, null or unencrypted with mac_only_encrypted): ` +
      'anyone who can change the file could have added them, and they are exported as they are',
  );
}

/** One warning naming the key paths of the document that the MAC does not cover. */
export function warnUncoveredPaths(ctx: CommandContext, name: string, paths: readonly (readonly string[])[]): void {
  if (paths.length === 0) return;
  ctx.warn(
    `${name}: no MAC covers the values at ${namesOf([...new Set(paths.map((p) => formatKeyPath(p)))])} (empty, null or ` +
      'unencrypted with mac_only_encrypted): anyone who can change the file could have added them',
  );
}
