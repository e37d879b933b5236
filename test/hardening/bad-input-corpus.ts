/**
 * The broken inputs of the bad-input suite: damaged plaintext, damaged sops files and damaged
 * `.sops.yaml` files, each with the exit code every command must give for it.
 */
import { alice, bob } from './fixtures.js';
import { seededRandom } from './crash-harness.js';
import { cleanEnv, runInProcess } from '../helpers/run.js';
import { tempDir } from '../helpers/paths.js';

export const COMMAND_NAMES = [
  'encrypt',
  'decrypt',
  'edit',
  'set',
  'unset',
  'rotate',
  'updatekeys',
  'filestatus',
  'exec-env',
  'exec-file',
  'groups',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * The command line of each command on file `f` in `dir` (nothing is written unless it succeeds;
 * the commands exec-* run leave a marker in `dir`, named absolutely: in-process runs share the
 * test's working directory).
 */
export function commandLine(command: CommandName, f: string, dir: string): string[] {
  switch (command) {
    case 'encrypt':
      return ['encrypt', '-i', f];
    case 'decrypt':
      return ['decrypt', f];
    case 'edit':
      return ['edit', f];
    case 'set':
      return ['set', f, '["k"]', '"v"'];
    case 'unset':
      return ['unset', f, '["k"]'];
    case 'rotate':
      return ['rotate', '-i', f];
    case 'updatekeys':
      return ['updatekeys', '-y', f];
    case 'filestatus':
      return ['filestatus', f];
    case 'exec-env':
      return ['exec-env', f, `touch '${dir}/ran-exec-env'`];
    case 'exec-file':
      return ['exec-file', f, `touch '${dir}/ran-exec-file'`];
    case 'groups':
      return ['groups', 'add', '-i', '-f', f, '--age', bob.recipient];
  }
}

/** What a command must do with an input: fail with this exit code, or succeed (0). */
export type Expectation = Record<CommandName, number>;

export interface BadInput {
  name: string;
  /** File name in the workspace; its extension picks the store. */
  file: string;
  content: Uint8Array;
  /** The `.sops.yaml` of the workspace. */
  config: string;
  /** A line number messages must name (parse errors of the file or the config). */
  line?: number;
  /** Which commands report `line`: those that parse the file (or config) first. */
  lineFor?: readonly CommandName[];
  expect: Expectation;
}

export const VALID_CONFIG = `creation_rules:\n  - path_regex: .*\n    age: ${alice.recipient}\n`;

const utf8 = new TextEncoder();

function all(code: number, overrides: Partial<Expectation> = {}): Expectation {
  return { ...Object.fromEntries(COMMAND_NAMES.map((c) => [c, code])), ...overrides } as Expectation;
}

/** Every command parses the file first, so all give the parse error (2) with its line. */
const PARSE = (overrides: Partial<Expectation> = {}): Expectation => all(2, { filestatus: 1, ...overrides });

async function encrypted(plain: string, name: string): Promise<string> {
  const r = await runInProcess(['encrypt', '--age', alice.recipient, '--filename-override', name], {
    cwd: tempDir('tsops-corpus-'),
    env: cleanEnv(),
    stdin: plain,
  });
  if (r.code !== 0) throw new Error(`corpus setup: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

function replaceLine(text: string, pattern: RegExp, by: string): string {
  const out = text.replace(pattern, by);
  if (out === text) throw new Error(`corpus setup: ${pattern} not found`);
  return out;
}

/** Build the corpus (encrypting its valid base files first). */
export async function buildCorpus(): Promise<BadInput[]> {
  const random = seededRandom(7);
  const randomBytes = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
  const yamlEnc = await encrypted('k: secret-value-BAD1\nother: secret-item-BAD2\n', 'x.yaml');
  const jsonEnc = await encrypted('{"k": "secret-value-BAD1", "other": "secret-item-BAD2"}', 'x.json');
  const nestedEnc = await encrypted('k: secret-value-BAD1\nnested:\n    inner: secret-item-BAD2\n', 'x.yaml');
  // Block nesting costs its depth in indentation on every line: 2,000 maps deep is 2 MB already;
  // `- - - …` nests 20,000 sequences on one line.
  const deepMaps = Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
  const deepDashes = `a:\n  ${'- '.repeat(20_000)}x\n`;
  const inputs: BadInput[] = [];
  const add = (i: Omit<BadInput, 'config'> & { config?: string }): void => void inputs.push({ config: VALID_CONFIG, ...i });

  // Plaintext that no store accepts.
  // An empty YAML file holds no document: nothing to encrypt (92), and no sops metadata (1).
  add({ name: 'an empty YAML file', file: 'empty.yaml', content: new Uint8Array(), expect: all(1, { encrypt: 92, filestatus: 0 }) });
  add({ name: 'an empty JSON file', file: 'empty.json', content: new Uint8Array(), expect: PARSE() });
  add({ name: 'random bytes as YAML', file: 'random.yaml', content: randomBytes, expect: PARSE() });
  add({ name: 'random bytes as JSON', file: 'random.json', content: randomBytes, expect: PARSE() });
  add({ name: 'random bytes as INI', file: 'random.ini', content: randomBytes, expect: PARSE() });
  add({ name: 'invalid UTF-8 in YAML', file: 'latin1.yaml', content: Uint8Array.from([...utf8.encode('k: caf'), 0xe9, 0x0a]), expect: PARSE() });
  add({ name: 'a tab used for indentation', file: 'tabs.yaml', content: utf8.encode('a:\n\tb: 1\n'), line: 2, lineFor: ['encrypt', 'decrypt'], expect: PARSE() });
  add({ name: 'mappings nested 2,000 deep (block YAML)', file: 'deep-maps.yaml', content: utf8.encode(deepMaps), expect: PARSE() });
  add({ name: 'sequences nested 20,000 deep (block YAML)', file: 'deep-dashes.yaml', content: utf8.encode(deepDashes), expect: PARSE() });
  add({ name: 'sequences nested 20,000 deep (flow YAML)', file: 'deep-flow.yaml', content: utf8.encode(`a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`), expect: PARSE() });
  add({ name: 'arrays nested 20,000 deep (JSON)', file: 'deep.json', content: utf8.encode(`{"a": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`), expect: PARSE() });
  add({ name: 'a duplicate key', file: 'dup.yaml', content: utf8.encode('a: 1\nb: 2\na: 3\n'), line: 3, lineFor: ['encrypt', 'decrypt'], expect: PARSE() });
  add({ name: 'a top-level sequence (YAML)', file: 'list.yaml', content: utf8.encode('- a\n- b\n'), line: 1, lineFor: ['encrypt', 'decrypt'], expect: PARSE() });
  add({ name: 'a top-level array (JSON)', file: 'list.json', content: utf8.encode('[1, 2]\n'), expect: PARSE() });
  add({ name: 'a top-level scalar (YAML)', file: 'scalar.yaml', content: utf8.encode('just a string\n'), line: 1, lineFor: ['encrypt', 'decrypt'], expect: PARSE() });
  add({ name: 'a top-level scalar (JSON)', file: 'scalar.json', content: utf8.encode('"just a string"\n'), expect: PARSE() });
  add({ name: 'an INI line that is not a key or section', file: 'broken.ini', content: utf8.encode('[s]\nk = 1\nnot a key line\n'), line: 3, lineFor: ['encrypt', 'decrypt'], expect: PARSE() });
  add({ name: 'a dotenv line without =', file: 'broken.env', content: utf8.encode('A=1\nnot a pair\n'), line: 2, lineFor: ['encrypt', 'decrypt'], expect: PARSE() });

  // sops files with damaged metadata or values.
  const sopsBlock = /\nsops:\n[\s\S]*$/;
  add({ name: 'a sops key that is not a map (YAML)', file: 'sops-scalar.yaml', content: utf8.encode(replaceLine(yamlEnc, sopsBlock, '\nsops: 5\n')), expect: all(1, { encrypt: 203 }) });
  add({
    name: 'a sops key that is not a map (JSON)',
    file: 'sops-list.json',
    content: utf8.encode(JSON.stringify({ ...JSON.parse(jsonEnc), sops: [1, 2] })),
    expect: all(1, { encrypt: 203 }),
  });
  add({ name: 'no mac', file: 'no-mac.yaml', content: utf8.encode(replaceLine(yamlEnc, /\n {4}mac: .*/, '')), expect: all(51, { encrypt: 203, filestatus: 0, updatekeys: 0, groups: 0 }) });
  add({ name: 'a malformed ENC[] value', file: 'bad-enc.yaml', content: utf8.encode(replaceLine(yamlEnc, /^k: ENC\[AES256_GCM,data:[^,]*/m, 'k: ENC[AES256_GCM,data:')), expect: all(25, { encrypt: 203, filestatus: 0, updatekeys: 0, groups: 0 }) });
  add({ name: 'an unknown type:', file: 'bad-type.yaml', content: utf8.encode(replaceLine(yamlEnc, /^(k: ENC\[[^\]]*)type:str\]/m, '$1type:mystery]')), expect: all(25, { encrypt: 203, filestatus: 0, updatekeys: 0, groups: 0 }) });
  add({
    name: 'a version that is not semver',
    file: 'bad-version.yaml',
    content: utf8.encode(replaceLine(yamlEnc, /\n {4}version: .*/, '\n    version: not-a-version')),
    // refused on loading, before any key is used, as sops' LoadEncryptedFileWithBugFixes does (exit 1)
    expect: all(1, { encrypt: 203, filestatus: 0 }),
  });
  add({
    name: 'garbage in an age enc',
    file: 'bad-age.yaml',
    content: utf8.encode(replaceLine(yamlEnc, /(-----BEGIN AGE ENCRYPTED FILE-----\n)(?: +[A-Za-z0-9+/=]+\n)+/, '$1            bm90IGFuIGFnZSBmaWxl\n')),
    // updatekeys finds the file up to date with its rule, so it needs no data key
    expect: all(128, { encrypt: 203, filestatus: 0, updatekeys: 0 }),
  });

  add({
    name: 'a nested value for exec-env',
    file: 'nested.yaml',
    content: utf8.encode(nestedEnc),
    expect: all(0, { encrypt: 203, 'exec-env': 1 }),
  });

  // A valid sops file under a broken .sops.yaml. A file that cannot be read as a config fails
  // every command that loads it (all but filestatus, which looks at the file alone); a rule's own
  // problem (a bad path_regex) only fails the commands that match rules, as in sops.
  const withConfig = (name: string, file: string, config: string, expect: Expectation, line?: number): void =>
    add({ name, file, content: utf8.encode(yamlEnc), config, expect, ...(line === undefined ? {} : { line, lineFor: ['encrypt', 'decrypt'] }) });
  withConfig('.sops.yaml: an invalid path_regex', 'cfg-regex.yaml', `creation_rules:\n  - path_regex: "(["\n    age: ${alice.recipient}\n`, all(0, { encrypt: 1, rotate: 1, updatekeys: 1 }));
  withConfig('.sops.yaml: not YAML', 'cfg-syntax.yaml', 'creation_rules:\n  - path_regex: a: b\n    age: x\n', all(1, { filestatus: 0 }), 2);
  withConfig('.sops.yaml: creation_rules is not a list', 'cfg-shape.yaml', 'creation_rules: 5\n', all(1, { filestatus: 0 }));
  withConfig('.sops.yaml: a top-level list', 'cfg-list.yaml', '- a\n- b\n', all(1, { filestatus: 0 }));
  withConfig('.sops.yaml: nested 20,000 deep', 'cfg-deep.yaml', `creation_rules: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, all(1, { filestatus: 0 }));
  return inputs;
}
