import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareSemver, isNewerVersion, parseSemver } from '../../src/core/version.js';

test('parseSemver accepts strict semver only', () => {
  for (const ok of ['3.13.2', '0.0.0', '1.2.3-rc.1', '1.2.3-alpha+build.5', '10.20.30+meta']) assert.ok(parseSemver(ok), ok);
  for (const bad of ['', '3.13', '3.13.2.1', '03.1.2', '1.2.3-01', '1.2.x', 'v1.2.3', '1.2.3-', '1.2.3+', 'garbage']) {
    assert.equal(parseSemver(bad), undefined, bad);
  }
});

test('isNewerVersion: ours against older, equal, newer and pre-release file versions', () => {
  assert.equal(isNewerVersion('3.13.2', '3.7.3'), true);
  assert.equal(isNewerVersion('3.13.2', '3.13.2'), false);
  assert.equal(isNewerVersion('3.13.2', '3.13.10'), false);
  assert.equal(isNewerVersion('3.13.2', '4.0.0'), false);
  assert.equal(isNewerVersion('3.13.2', '3.13.2-rc.1'), true, 'a pre-release is older than the release');
  assert.equal(isNewerVersion('3.13.2', 'v3.1.0'), true, 'a leading v is ignored');
  assert.equal(isNewerVersion('3.13.2', '1.14'), true, 'sops 1.x versions are not semver and always older');
});

test('isNewerVersion: an unparsable file version is VERSION_COMPARE (exit 202)', () => {
  for (const bad of ['', 'latest', '3.13']) {
    assert.throws(() => isNewerVersion('3.13.2', bad), (e: { code?: string; exitCode?: number }) => e.code === 'VERSION_COMPARE' && e.exitCode === 202, bad);
  }
});

test('semver precedence follows the spec ordering example', () => {
  const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0'];
  for (let i = 0; i + 1 < order.length; i++) {
    assert.ok(compareSemver(parseSemver(order[i]!)!, parseSemver(order[i + 1]!)!) < 0, `${order[i]} < ${order[i + 1]}`);
  }
});

test('compareSemver is antisymmetric on core versions (property)', () => {
  const v = fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50)).map(([a, b, c]) => `${a}.${b}.${c}`);
  fc.assert(
    fc.property(v, v, (a, b) => {
      const x = compareSemver(parseSemver(a)!, parseSemver(b)!);
      const y = compareSemver(parseSemver(b)!, parseSemver(a)!);
      return Math.sign(x) === -Math.sign(y) && (x === 0) === (a === b);
    }),
    { numRuns: 200 },
  );
});
