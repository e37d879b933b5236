/**
 * `tsops exec-env FILE COMMAND` (spec §8.2): run COMMAND with the file's top-level values in its
 * environment. The plaintext never touches the disk.
 */
import { TsopsError } from '../../errors.js';
import { isList, isMap, type TreeMap } from '../../core/tree.js';
import { valueToString } from '../../formats/value-string.js';
import type { CommandContext } from '../shared/context.js';
import { passExitStatus, runShellCommand } from './child-process.js';
import { withFile } from '../shared/files.js';
import { openAndDecrypt } from '../shared/sops-file.js';
import { iniTopLevel } from '../../formats/ini-default.js';
import { UncoveredValues, warnUncoveredVariables } from './uncovered-values.js';

export interface ExecEnvOptions {
  /** One or more files; with several, later files win for equal names. */
  files: string[];
  command: string;
  inputType?: string | undefined;
  /** Only the file's values, not tsops' own environment. */
  pristine?: boolean | undefined;
}

/**
 * `KEY=value` pairs for the top-level items of a document (comments skipped, non-strings as sops'
 * ValToString writes them). Nested values and keys with `=` are refused, naming the key only.
 */
export function environmentFromTree(root: TreeMap): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of root.items) {
    if (typeof item.key !== 'string') continue;
    const key = item.key;
    if (isMap(item.value) || isList(item.value)) {
      throw new TsopsError('GENERIC', `cannot use complex value in environment; offending key ${key}`, {
        hint: 'exec-env takes the top-level keys only; nest nothing, or use exec-file',
      });
    }
    if (key === '' || key.includes('=') || key.includes('\0')) {
      throw new TsopsError('GENERIC', `cannot use key ${JSON.stringify(key)} in environment: names must be non-empty and contain no '=' or NUL`);
    }
    const value = valueToString(item.value, key, 'environment');
    if (value.includes('\0')) throw new TsopsError('GENERIC', `cannot use the value of ${key} in environment: it contains a NUL byte`);
    env[key] = value;
  }
  return env;
}

export async function execEnvCommand(ctx: CommandContext, options: ExecEnvOptions): Promise<void> {
  // sops reads .sops.yaml (its `stores:` section) on every command, so a broken one is reported here too.
  ctx.config();
  // Several files: decrypted in order with one identity loader; later files win on equal names.
  const values: Record<string, string> = {};
  // names whose final value no MAC covers, each with the file it came from
  const uncovered = new Map<string, string>();
  for (const file of options.files) {
    const found = new UncoveredValues();
    const opened = await openAndDecrypt(ctx, { file, inputType: options.inputType, onUncovered: found.onUncovered });
    opened.dataKey.fill(0);
    const first = opened.doc.branches[0];
    const root = first !== undefined && opened.input.inputFormat === 'ini' ? iniTopLevel(first) : first;
    if (root === undefined) continue;
    const env = withFile(opened.name, () => environmentFromTree(root));
    const fileUncovered = new Set(found.paths.filter((p) => p.length === 1).map((p) => p[0]!));
    for (const item of root.items) if (typeof item.key === 'string' && item.value === null) fileUncovered.add(item.key);
    for (const key of Object.keys(env)) {
      if (fileUncovered.has(key)) uncovered.set(key, opened.name);
      else uncovered.delete(key);
    }
    Object.assign(values, env);
  }
  const byFile = new Map<string, string[]>();
  for (const [key, file] of uncovered) byFile.set(file, [...(byFile.get(file) ?? []), key]);
  for (const [file, keys] of byFile) warnUncoveredVariables(ctx, file, keys);
  ctx.debug(`running the command with ${Object.keys(values).length} variable(s) from ${options.files.length} file(s)${options.pristine ? ' and no other environment' : ''}`);
  const base = options.pristine ? {} : ctx.io.env;
  const code = await runShellCommand(ctx.io, { command: options.command, env: { ...base, ...values } });
  passExitStatus(code);
}
