/** tsops as a library: explicit re-exports only. */
export { decryptData, decryptTree, encryptData, parseEncryptedData, type DecryptDataOptions, type EncryptDataOptions } from './api.js';
export { TsopsError, ExitCode, ErrorCodes, type ErrorCode } from './errors.js';
export { nodeIo } from './io/node-io.js';
export { type Io } from './io/types.js';
export { main } from './main.js';
export { Comment, Timestamp, newMap, newList, isMap, isList, type Branches, type TreeMap, type TreeList, type Value, type Scalar } from './core/tree.js';
export { ValueCipher } from './core/cipher.js';
export { decryptDocument, encryptDocument, type SopsDocument } from './core/document.js';
export { parseMetadata, formatMetadata, SOPS_FORMAT_VERSION, type Metadata } from './core/metadata.js';
export { parseTreePath, truncateTree } from './core/tree-path.js';
export { storeFor, formatForPath, type FormatName, type Store } from './formats/index.js';
export { IdentityLoader, FixedIdentities } from './keys/identities.js';
export { wrapDataKey, unwrapDataKey, decryptDataKeyWithIdentities } from './keys/data-key.js';
export { GnuPG, type PgpService } from './keys/pgp/gpg.js';
export { split as shamirSplit, combine as shamirCombine } from './keys/shamir.js';
export { findConfigFile } from './config/find.js';
export { loadConfig, parseConfig } from './config/parse.js';
export { matchCreationRule } from './config/match.js';
