import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/main.js';
import { CommandContext } from '../../../src/commands/shared/context.js';
import { UpcomingFiles } from '../../../src/commands/shared/upcoming.js';
import { generateAgeKeyFile } from '../../../src/keys/age/keygen.js';
import { fakeIo } from '../../helpers/fake-io.js';
import { tempDir } from '../../helpers/paths.js';

describe('UpcomingFiles', () => {
  it("gives the run's plugin sessions the key groups of the files after the one in hand, read on demand, quietly skipping what is not a sops file", async () => {
    const dir = tempDir();
    const key = await generateAgeKeyFile({ pq: false, now: new Date(0) });
    const env = { HOME: '/nonexistent-tsops-home' };
    for (const name of ['a.yaml', 'b.yaml', 'c.json']) {
      fs.writeFileSync(path.join(dir, name), name.endsWith('.json') ? '{"token": "abc"}' : 'token: abc\n');
      const enc = fakeIo({ cwd: dir, env });
      assert.equal(await main(['encrypt', '-i', '--age', key.recipient, name], enc.io), 0, enc.stderr());
    }
    fs.writeFileSync(path.join(dir, 'plain.yaml'), 'token: abc\n');
    const io = fakeIo({ cwd: dir, env });
    const ctx = new CommandContext(io.io);
    const files = ['a.yaml', 'plain.yaml', 'b.yaml', 'missing.yaml', 'c.json'];
    const upcoming = new UpcomingFiles(ctx, files);
    upcoming.at(0);
    // nothing is read until a plugin asks: a file written now is what it sees
    fs.writeFileSync(path.join(dir, 'b.yaml'), fs.readFileSync(path.join(dir, 'a.yaml')));
    const later = ctx.pluginRun().upcoming();
    assert.equal(later.length, 2, 'b.yaml and c.json; plain.yaml and missing.yaml are left to their turn');
    const recipients = later.map((groups) => groups.flat().map((k) => ('recipient' in k ? k.recipient : '')));
    assert.deepEqual(recipients, [[key.recipient], [key.recipient]]);
    const a = fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8');
    assert.ok(a.includes((later[0]![0]![0] as { enc: string }).enc.split('\n')[1]!), "b.yaml as it is now (a.yaml's copy)");
    upcoming.at(2);
    assert.equal(ctx.pluginRun().upcoming().length, 1, 'only c.json comes after b.yaml');
    upcoming.done();
    assert.deepEqual(ctx.pluginRun().upcoming(), []);
    assert.equal(io.stderr(), '', 'not a word about the files it could not read');
  });
});
