/** What the two YAML parsers (fast block parser, library) return, decline with and fail with. */
import { TsopsError } from '../../../errors.js';
import type { TreeMap } from '../../../core/tree.js';

/** Where a mapping key that is not a string (`1:`, `true:`, `2024-01-01:`) was seen. */
export interface NonStringKey {
  line: number;
  text: string;
}

export interface ParsedYaml {
  branches: TreeMap[];
  /** The first non-string key; sops refuses to walk such a tree (spec §9). */
  nonStringKey: NonStringKey | undefined;
}

/** Thrown by the fast parser on syntax it leaves to the library parser. */
export class Unsupported extends Error {}

export function parseError(message: string): TsopsError {
  return new TsopsError('PARSE_INPUT', `yaml: ${message}`, { hint: 'fix the YAML syntax of the input file' });
}

/**
 * The deepest nesting of mappings and sequences tsops reads or writes as YAML (the root mapping
 * is level 1). go-yaml allows more, but the `yaml` library's recursive composer exhausts the
 * call stack at about 900 levels; one limit for both parsers and the emitter refuses such
 * documents with a clear message and keeps every YAML file tsops writes readable again.
 */
export const MAX_YAML_DEPTH = 500;

/** The error for a document nested deeper than {@link MAX_YAML_DEPTH}. */
export function depthError(line: number | undefined): TsopsError {
  const where = line === undefined || line <= 0 ? '' : `line ${line}: `;
  return new TsopsError('PARSE_INPUT', `yaml: ${where}mappings and sequences nested deeper than ${MAX_YAML_DEPTH} levels are not supported`, {
    hint: 'flatten the document',
  });
}

export function duplicateKeyError(key: string, line: number, first: number): TsopsError {
  return parseError(`line ${line}: mapping key ${JSON.stringify(key)} already defined at line ${first}`);
}

export function rootTypeError(kind: 'sequences' | 'values', line: number): TsopsError {
  return new TsopsError('PARSE_INPUT', `yaml documents that are ${kind} are not supported (line ${line})`, {
    hint: 'the top level of a YAML document must be a mapping, e.g. `data: [...]`',
  });
}
