/** tsops' own version (the files it writes carry sops' format version, see core/metadata.ts). */
export const VERSION = '0.1.0';

/** What `tsops --version` prints. */
export const VERSION_LINE = `tsops ${VERSION} (sops 3.13.2 compatible)`;
