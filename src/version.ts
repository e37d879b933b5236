/** tsops' own version (the files it writes carry sops' format version, see core/metadata.ts). */
export const VERSION = '0.1.0';
