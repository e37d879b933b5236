/**
 * Typed errors with sops' exit codes (spec §8.5). Every failure that reaches the user is a
 * TsopsError: one line of message, an optional hint, never a secret.
 */

/** sops' exit codes, by the names sops gives them (`cmd/sops/codes/codes.go`). */
export const ExitCode = {
  ErrorGeneric: 1,
  CouldNotReadInputFile: 2,
  CouldNotWriteOutputFile: 3,
  ErrorDumpingTree: 4,
  ErrorReadingConfig: 5,
  ErrorInvalidSetFormat: 7,
  ErrorConflictingParameters: 8,
  ErrorEncryptingMac: 21,
  ErrorEncryptingTree: 23,
  ErrorDecryptingMac: 24,
  ErrorDecryptingTree: 25,
  CannotChangeKeysFromNonExistentFile: 49,
  MacMismatch: 51,
  MacNotFound: 52,
  InvalidTreePathFormat: 91,
  NeedAtLeastOneDocument: 92,
  NoFileSpecified: 100,
  DuplicateDecryptionKeyType: 112,
  CouldNotRetrieveKey: 128,
  FileHasNotBeenModified: 200,
  NoEditorFound: 201,
  FailedToCompareVersions: 202,
  FileAlreadyEncrypted: 203,
} as const;

/** Stable error codes used by tsops, each mapped to a sops exit code. */
export const ErrorCodes = {
  GENERIC: ExitCode.ErrorGeneric,
  READ_INPUT: ExitCode.CouldNotReadInputFile,
  PARSE_INPUT: ExitCode.CouldNotReadInputFile,
  WRITE_OUTPUT: ExitCode.CouldNotWriteOutputFile,
  DUMP_TREE: ExitCode.ErrorDumpingTree,
  CONFIG: ExitCode.ErrorGeneric,
  INVALID_SET: ExitCode.ErrorInvalidSetFormat,
  CONFLICTING_PARAMETERS: ExitCode.ErrorConflictingParameters,
  ENCRYPT_MAC: ExitCode.ErrorEncryptingMac,
  ENCRYPT_TREE: ExitCode.ErrorEncryptingTree,
  DECRYPT_TREE: ExitCode.ErrorDecryptingTree,
  CANNOT_CHANGE_KEYS: ExitCode.CannotChangeKeysFromNonExistentFile,
  MAC_MISMATCH: ExitCode.MacMismatch,
  INVALID_TREE_PATH: ExitCode.InvalidTreePathFormat,
  EMPTY_FILE: ExitCode.NeedAtLeastOneDocument,
  NO_FILE: ExitCode.NoFileSpecified,
  DUPLICATE_DECRYPTION_KEY_TYPE: ExitCode.DuplicateDecryptionKeyType,
  NO_IDENTITY: ExitCode.CouldNotRetrieveKey,
  FILE_UNCHANGED: ExitCode.FileHasNotBeenModified,
  NO_EDITOR: ExitCode.NoEditorFound,
  VERSION_COMPARE: ExitCode.FailedToCompareVersions,
  ALREADY_ENCRYPTED: ExitCode.FileAlreadyEncrypted,
  METADATA_NOT_FOUND: ExitCode.ErrorGeneric,
  INVALID_METADATA: ExitCode.ErrorGeneric,
  NO_MATCHING_RULE: ExitCode.ErrorGeneric,
  NO_KEYS: ExitCode.ErrorGeneric,
  INVALID_RECIPIENT: ExitCode.ErrorGeneric,
  UNSUPPORTED: ExitCode.ErrorGeneric,
  KEY_NOT_FOUND: ExitCode.ErrorGeneric,
  CANCELED: ExitCode.ErrorGeneric,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface TsopsErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra lines shown after the message (e.g. the per-group report of a key failure). */
  details?: string;
  /** Override the exit code derived from `code`. */
  exitCode?: number;
  /** Exit with the code but print nothing (a child command's own failure, already visible). */
  silent?: boolean;
  /** Print the message alone, without the `tsops: ` prefix or a file name (words sops' tests check exactly). */
  verbatim?: boolean;
}

export class TsopsError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly details: string | undefined;
  readonly silent: boolean;
  readonly verbatim: boolean;

  constructor(code: ErrorCode, message: string, options: TsopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TsopsError';
    this.code = code;
    this.exitCode = options.exitCode ?? ErrorCodes[code];
    this.hint = options.hint;
    this.details = options.details;
    this.silent = options.silent ?? false;
    this.verbatim = options.verbatim ?? false;
  }
}

export function isTsopsError(e: unknown): e is TsopsError {
  return e instanceof TsopsError;
}

/**
 * The `code` of the error the bundle's stand-in for a deferred package throws when that package's
 * file is missing (`scripts/bundle.mjs`): the installation is at fault, whatever was being read.
 */
export const INCOMPLETE_INSTALLATION = 'TSOPS_INCOMPLETE_INSTALLATION';

/** That error, when it is `e` or what `e` wraps (its cause, a few levels down). */
export function incompleteInstallation(e: unknown): Error | undefined {
  for (let level = 0; level < 8 && e instanceof Error; level++, e = e.cause) {
    if ((e as { code?: unknown }).code === INCOMPLETE_INSTALLATION) return e;
  }
  return undefined;
}

/** The message of an unknown thrown value, for wrapping library errors. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
