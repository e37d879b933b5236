import type { Command } from 'commander';
import type { Io } from '../io/types.js';
import type { EditOptions } from '../commands/edit/index.js';
import { addGlobalOptions, contextFor } from './global-options.js';
import { acceptLegacyMacOption, bool, keyOptions, num, selectorFlags, selectorOptions, str, inputTypeOptions } from './shared-options.js';
import { load } from './command-loaders.js';

export function editOptionsFrom(o: Record<string, unknown>, file: string): EditOptions {
  return {
    file,
    inputType: str(o, 'inputType'),
    outputType: str(o, 'outputType'),
    ignoreMac: bool(o, 'ignoreMac'),
    showMasterKeys: bool(o, 'showMasterKeys'),
    age: str(o, 'age'),
    pgp: str(o, 'pgp'),
    shamirSecretSharingThreshold: num(o, 'shamirSecretSharingThreshold'),
    macOnlyEncrypted: bool(o, 'macOnlyEncrypted'),
    acceptLegacyMac: bool(o, 'acceptLegacyMac'),
    ...selectorFlags(o),
  };
}

/** `-s` and `--ignore-mac`, shared with the legacy `tsops FILE` form. */
export function editOnlyOptions(cmd: Command): Command {
  return acceptLegacyMacOption(cmd).option('-s, --show-master-keys', 'edit the sops metadata (keys, selector, version) too');
}

export function registerEdit(program: Command, io: Io): void {
  const cmd = program
    .command('edit')
    .description('edit an encrypted file in $SOPS_EDITOR/$EDITOR (a new file starts from an example)')
    .argument('<file>');
  keyOptions(cmd);
  selectorOptions(cmd);
  inputTypeOptions(cmd);
  editOnlyOptions(cmd);
  cmd.option('--ignore-mac', 'do not verify the MAC (values are still authenticated)');
  addGlobalOptions(cmd);
  cmd.action(async (file: string, _o: unknown, self: Command) => {
    await (await load.edit()).editCommand(contextFor(io, self), editOptionsFrom(self.opts(), file));
  });
}
