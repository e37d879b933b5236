/**
 * sops flags for key services tsops does not have. Scripts and editor plugins pass them, so they
 * parse (hidden from --help) instead of failing as unknown options; then each is either accepted
 * honestly or refused with one line naming what is missing, before any file is read or written.
 */
import { Option, type Command } from 'commander';
import { TsopsError } from '../errors.js';
import type { Io } from '../io/types.js';

interface ForeignFlag {
  flag: string;
  /** commander's attribute name */
  attr: string;
  /** What the flag needs that tsops does not have; undefined for flags accepted as they are. */
  missing?: string;
}

const camel = (flag: string): string => flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

function flags(list: Array<[string, string | undefined]>): ForeignFlag[] {
  return list.map(([flag, missing]) => ({ flag, attr: camel(flag), missing }));
}

const KMS = 'AWS KMS keys are not supported by tsops';
const GCP = 'GCP KMS keys are not supported by tsops';
const AZURE = 'Azure Key Vault keys are not supported by tsops';
const VAULT = 'HashiCorp Vault transit keys are not supported by tsops';
const HCKMS = 'HuaweiCloud KMS keys are not supported by tsops';

/** Flags sops reads on every command. */
const GLOBAL = flags([
  ['--keyservice', 'remote key services are not supported by tsops; it uses the age keys of this machine only'],
  // sops' default: keys are used in this process
  ['--enable-local-keyservice', undefined],
  // handled apart: only AWS KMS keys use a profile
  ['--aws-profile', undefined],
]);

/** Key flags of encrypt, edit (new files) and `groups add`. */
const KEYS = flags([
  ['--kms', KMS],
  ['--encryption-context', `${KMS} (nor their encryption contexts)`],
  ['--gcp-kms', GCP],
  ['--azure-kv', AZURE],
  ['--hc-vault-transit', VAULT],
  ['--hckms', HCKMS],
]);

/** Recipient changes of `rotate` and `-r`. */
const ROTATE = flags([
  ['--add-kms', KMS],
  ['--rm-kms', KMS],
  ['--add-gcp-kms', GCP],
  ['--rm-gcp-kms', GCP],
  ['--add-azure-kv', AZURE],
  ['--rm-azure-kv', AZURE],
  ['--add-hc-vault-transit', VAULT],
  ['--rm-hc-vault-transit', VAULT],
  ['--add-hckms', HCKMS],
  ['--rm-hckms', HCKMS],
]);

const ALL = [...GLOBAL, ...KEYS, ...ROTATE];

function add(cmd: Command, list: ForeignFlag[]): Command {
  for (const f of list) {
    const takesValue = f.flag !== '--enable-local-keyservice';
    cmd.addOption(new Option(takesValue ? `${f.flag} <value>` : f.flag).hideHelp());
  }
  return cmd;
}

export const foreignGlobalOptions = (cmd: Command): Command => add(cmd, GLOBAL);
export const foreignKeyOptions = (cmd: Command): Command => add(cmd, KEYS);
export const foreignRotateOptions = (cmd: Command): Command => add(cmd, ROTATE);

/** The environment variables sops reads for those key flags when it encrypts. */
const KEY_ENV: Array<[string, string, string]> = [
  ['SOPS_KMS_ARN', '--kms', KMS],
  ['SOPS_GCP_KMS_IDS', '--gcp-kms', GCP],
  ['SOPS_AZURE_KEYVAULT_URLS', '--azure-kv', AZURE],
  ['SOPS_VAULT_URIS', '--hc-vault-transit', VAULT],
];

/**
 * Refuses a flag for a key type tsops lacks (exit 1, nothing touched); warns once when only an
 * AWS profile is given, which matters to KMS keys alone, and goes on.
 */
export function checkForeignFlags(io: Io, cmd: Command): void {
  // sops would encrypt to these keys too: encrypting without them would leave their owners out.
  const encrypting = cmd.name() === 'encrypt' || (cmd.parent === null && cmd.opts()['encrypt'] === true);
  for (const [name, flag, missing] of encrypting ? KEY_ENV : []) {
    if ((io.env[name] ?? '') !== '') {
      throw new TsopsError('UNSUPPORTED', `${name} (sops' ${flag}): ${missing}`, {
        hint: `unset ${name} and use age or PGP recipients (-a/--age or the keys of .sops.yaml)`,
      });
    }
  }
  let profile = false;
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.opts();
    for (const f of ALL) {
      if (o[f.attr] === undefined) continue;
      if (f.missing !== undefined) {
        const hint =
          f.flag === '--keyservice'
            ? 'drop --keyservice; identities come from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD or ~/.config/sops/age/keys.txt'
            : 'use age or PGP recipients (-a/--age, --add-age, or the keys of .sops.yaml)';
        throw new TsopsError('UNSUPPORTED', `${f.flag}: ${f.missing}`, { hint });
      }
      if (f.flag === '--aws-profile') profile = true;
    }
  }
  if (profile) io.stderr.write('tsops: warning: --aws-profile is ignored: it applies only to AWS KMS keys, which tsops does not use\n');
}
