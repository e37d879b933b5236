/**
 * The keys module's public API: age recipients (native, post-quantum and SSH), wrapping the data
 * key across key groups, identity discovery, and the SSH / key-generation helpers. Importing it
 * registers the SSH recipient kinds.
 */

export { parseAgeRecipient, unwrapKey, wrapKey, ParsedRecipient, RECIPIENT_PARSERS } from './age/master-key.js';
export type { RecipientParser } from './age/master-key.js';
export type { Identity } from './identity.js';
export {
  decryptDataKeyWithIdentities,
  masterKeyName,
  unwrapDataKey,
  unwrapDataKeyPayloads,
  wrapDataKey,
} from './data-key.js';
export type {
  KeyEntry,
  UnwrapDataKeyOptions,
  UnwrappedDataKey,
  WrapDataKeyOptions,
  WrappedKeyGroups,
} from './data-key.js';
export { FixedIdentities, IdentityLoader, userConfigDir } from './identities.js';
export type {
  AskPassphrase,
  IdentityLoaderOptions,
  IdentityProvider,
  IdentitySource,
  SourceOutcome,
  SshSourceContext,
  SshSourceFactory,
} from './identities.js';
export { createIdentityLoader } from './loader.js';
export type { CreateIdentityLoaderOptions } from './loader.js';
export { parseSshRecipientLine, SSH_RECIPIENT_PARSERS } from './recipients.js';
export { SOPS_AGE_SSH_PRIVATE_KEY_CMD, SOPS_AGE_SSH_PRIVATE_KEY_FILE, sshIdentitySources, sshKeyIdentities } from './ssh/sources.js';
export type { SshKeyIdentities, SshKeyOptions } from './ssh/sources.js';
export {
  SshConvertedX25519Identity,
  SshEd25519Identity,
  SshEd25519Recipient,
  SshRsaIdentity,
  SshRsaRecipient,
  sshIdentitiesFromPrivateKey,
} from './ssh/recipients.js';
export { convertPublicKeys, sshPrivateKeyToAgeIdentity, sshPublicKeyToAgeRecipient } from './ssh/ssh-to-age.js';
export type { ConvertedPublicKeys } from './ssh/ssh-to-age.js';
export { generateAgeKeyFile } from './age/keygen.js';
export type { AgeKeyFile, AgeKeyFileOptions } from './age/keygen.js';
export { terminalAskPassphrase } from './tty-passphrase.js';
