/**
 * Alias expansion is bounded as go-yaml v3 bounds it ("document contains excessive aliasing"),
 * in the data-file parser and in the `.sops.yaml` reader; an alias without an anchor is an error.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { yamlStore } from '../../../src/formats/yaml/index.js';
import { parseConfig } from '../../../src/config/parse.js';
import { Comment, getKey, isList, isMap } from '../../../src/core/tree.js';
import type { TreeMap, Value } from '../../../src/core/tree.js';
import { TsopsError } from '../../../src/errors.js';
import { parseFast } from '../../../src/formats/yaml/parse/fast.js';
import { Unsupported } from '../../../src/formats/yaml/parse/result.js';

const plain = (s: string): TreeMap[] => yamlStore.parsePlain(Buffer.from(s));

/** `levels` lines, each a list of `width` aliases of the line before: width^levels nodes. */
export function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** The same bomb in block style, which the fast parser reads (anchors on blocks, aliases as items). */
export function blockAliasBomb(levels: number, width: number): string {
  const lines = ['l0: &l0', ...Array<string>(width).fill('  - lol')];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i}`, ...Array<string>(width).fill(`  - *l${i - 1}`));
  return `${lines.join('\n')}\n`;
}

function count(v: Value | undefined): number {
  if (v === undefined) return 0;
  if (isMap(v)) return v.items.reduce((n, i) => n + count(i.value), 1);
  if (isList(v)) return v.items.reduce<number>((n, i) => n + (i instanceof Comment ? 0 : count(i)), 1);
  return 1;
}

const excessive = (e: unknown): boolean =>
  e instanceof TsopsError && e.code === 'PARSE_INPUT' && e.message === 'yaml: document contains excessive aliasing';

describe('YAML alias expansion', () => {
  it('refuses a nine-line billion-laughs bomb quickly', () => {
    const start = Date.now();
    assert.throws(() => plain(aliasBomb(9, 9)), excessive);
    assert.ok(Date.now() - start < 5_000, `took ${Date.now() - start} ms`);
  });

  it('refuses a block-style bomb quickly: the fast parser stops copying and leaves the bound to go-yaml\'s rule', () => {
    const start = Date.now();
    assert.throws(() => parseFast(blockAliasBomb(9, 9)), Unsupported);
    assert.throws(() => plain(blockAliasBomb(9, 9)), excessive);
    assert.ok(Date.now() - start < 5_000, `took ${Date.now() - start} ms`);
  });

  it('refuses the bomb in front of an encrypted file too', () => {
    const enc = `${aliasBomb(9, 9)}sops:\n    version: 3.13.2\n`;
    assert.throws(() => yamlStore.parseEncrypted(Buffer.from(enc)), excessive);
  });

  it('refuses a bomb of maps and of alias keys', () => {
    const lines = ['m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}'];
    for (let i = 1; i < 8; i++) lines.push(`m${i}: &m${i} {${'abcdefgh'.split('').map((k) => `${k}: *m${i - 1}`).join(', ')}}`);
    assert.throws(() => plain(lines.join('\n')), excessive);
  });

  it('still expands ordinary aliasing into independent copies', () => {
    // 200 aliases of a 20-node map: 4,000 nodes from aliases out of 4,200, below go-yaml's 99%.
    const fields = Array.from({ length: 19 }, (_, i) => `f${i}: v${i}`).join(', ');
    const doc = `base: &base {${fields}}\n${Array.from({ length: 200 }, (_, i) => `k${i}: *base`).join('\n')}\n`;
    const [tree] = plain(doc);
    const k199 = getKey(tree!, 'k199');
    assert.ok(isMap(k199));
    assert.equal(getKey(k199, 'f18'), 'v18');
    assert.equal(count(tree!), 1 + 201 * 20);
  });

  it('allows a small document to be mostly aliases (go-yaml counts only past 1000 nodes)', () => {
    const [tree] = plain(aliasBomb(3, 9));
    assert.equal(count(getKey(tree!, 'l2')), 1 + 9 * (1 + 9 * (1 + 9)));
  });

  it('refuses an alias whose anchor is not defined, in a value, a key and at the root', () => {
    for (const [doc, line] of [['a: 1\nb: *nope\n', 2], ['a: 1\n*nope : 2\n', 2], ['*nope\n', 1]] as const) {
      assert.throws(
        () => plain(doc),
        (e: unknown) => e instanceof TsopsError && e.code === 'PARSE_INPUT' && e.message === `yaml: line ${line}: unknown anchor 'nope' referenced`,
        doc,
      );
    }
  });

  it('refuses an alias that comes before its anchor', () => {
    assert.throws(() => plain('b: *a\na: &a 1\n'), /unknown anchor 'a' referenced/);
  });

  it('resolves 50,000 aliases in linear time (the library resolves each by walking the document)', () => {
    const doc = `a: &a x\n${Array.from({ length: 50_000 }, (_, i) => `k${i}: *a`).join('\n')}\n`;
    const start = Date.now();
    const [tree] = plain(doc);
    assert.equal(getKey(tree!, 'k49999'), 'x');
    assert.ok(Date.now() - start < 10_000, `took ${Date.now() - start} ms`);
  });

  it('resolves an alias to the latest anchor of that name before it', () => {
    const [tree] = plain('a: &x 1\nb: *x\nc: &x 2\nd: *x\n');
    assert.equal(String(getKey(tree!, 'b')), '1');
    assert.equal(String(getKey(tree!, 'd')), '2');
    // An anchor inside an anchored block comes later in the text than the block's own.
    const [nested] = parseFast('a: &x\n  b: &x 1\nc: *x\n').branches;
    assert.equal(getKey(nested!, 'c'), 1n);
  });

  it('reads block anchors and aliases in the fast parser, each alias an independent copy', () => {
    const [tree] = parseFast('keys:\n  - &alice age1a # alice\nbase: &base\n  k: v\nrules:\n  - *alice\n  - <<: *base\n    x: *base\n').branches;
    const rules = getKey(tree!, 'rules');
    assert.ok(isList(rules));
    assert.equal(rules.items[0], 'age1a');
    const rule = rules.items[1];
    assert.ok(isMap(rule));
    const merged = getKey(rule, '<<');
    const copy = getKey(rule, 'x');
    assert.ok(isMap(merged) && isMap(copy));
    assert.deepEqual(merged, copy);
    assert.notEqual(merged, copy, 'each alias is its own copy');
    assert.notEqual(merged, getKey(tree!, 'base'));
  });

  it('leaves an alias inside its own anchor, and one before any anchor, to the library', () => {
    assert.throws(() => parseFast('a: &x\n  - *x\n'), Unsupported);
    assert.throws(() => parseFast('b: *a\na: &a 1\n'), Unsupported);
  });
});

describe('.sops.yaml alias expansion', () => {
  it('refuses a bomb anywhere in the config, as go-yaml decoding sops\' config does', () => {
    const start = Date.now();
    assert.throws(
      () => parseConfig(`${aliasBomb(9, 9)}creation_rules:\n  - age: age1xyz\n`, '/work/.sops.yaml'),
      (e: unknown) => e instanceof TsopsError && e.code === 'CONFIG' && /document contains excessive aliasing/.test(e.message) && !e.message.includes('\n'),
    );
    assert.ok(Date.now() - start < 5_000);
  });

  it('refuses a block-style bomb, which the fast reader leaves to the library', () => {
    assert.throws(
      () => parseConfig(`${blockAliasBomb(9, 9)}creation_rules:\n  - age: age1xyz\n`, '/work/.sops.yaml'),
      (e: unknown) => e instanceof TsopsError && e.code === 'CONFIG' && /document contains excessive aliasing/.test(e.message),
    );
  });

  it('refuses a bomb reached through creation_rules', () => {
    const bomb = aliasBomb(9, 9).replace(/^l(\d): /gm, '  l$1: ');
    assert.throws(() => parseConfig(`defs:\n${bomb}creation_rules:\n  - key_groups: *l8\n`, '/work/.sops.yaml'), /excessive aliasing/);
  });

  it('still reads a config that shares a rule through an alias', () => {
    const c = parseConfig('x: &r {path_regex: a, age: age1q}\ncreation_rules:\n  - *r\n  - *r\n', '/work/.sops.yaml');
    assert.equal(c.creationRules?.length, 2);
  });
});
