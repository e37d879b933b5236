/**
 * `tsops git setup [PATTERN...]`: wire the current repository's drivers. The commands go into
 * the repository's own git config (never committed: each clone runs setup once, and a clone
 * without it just shows ciphertext and merges lines, as before); the attributes go into the
 * top-level `.gitattributes`, one `PATTERN diff=sops merge=sops` line per pattern, never twice.
 * The textconv cache stays off: it would store plaintext in the repository's notes.
 */
import * as path from 'node:path';
import { TsopsError, messageOf } from '../errors.js';
import type { CommandContext } from '../commands/shared/context.js';
import { driverCommand } from './launcher.js';
import { globsForPathRegex } from './path-glob.js';

export interface GitSetupOptions {
  patterns: string[];
}

const DRIVER = 'sops';

async function git(ctx: CommandContext, args: string[]): Promise<string> {
  let r;
  try {
    r = await ctx.io.run(['git', ...args], { env: { ...ctx.io.env } });
  } catch (e) {
    throw new TsopsError('GENERIC', `could not run git: ${messageOf(e)}`, { hint: 'install git and make sure it is on PATH' });
  }
  if (r.code !== 0) {
    const err = Buffer.from(r.stderr).toString('utf8').trim().split('\n')[0] ?? '';
    throw new TsopsError('GENERIC', `git ${args[2] ?? args[0]} failed: ${err}`);
  }
  return Buffer.from(r.stdout).toString('utf8');
}

function checkPattern(p: string): void {
  if (p === '' || /\s/.test(p) || p.startsWith('#') || p.startsWith('!') || p.startsWith('"')) {
    throw new TsopsError('CONFLICTING_PARAMETERS', `unusable .gitattributes pattern ${JSON.stringify(p)}`, {
      hint: 'give a pattern without spaces that does not start with #, ! or ", e.g. secrets/*.yaml',
    });
  }
}

/** Patterns from `.sops.yaml` rules, relative to the repository's top; and the rules that have none. */
function patternsFromConfig(ctx: CommandContext, top: string): { patterns: string[]; unmapped: string[] } {
  const config = ctx.config();
  if (config === undefined || config.creationRules === undefined) {
    throw new TsopsError('GENERIC', 'no patterns given and no .sops.yaml with creation_rules found', {
      hint: 'pass the files to wire, e.g. `tsops git setup "secrets/*.yaml"`',
    });
  }
  const rel = path.relative(top, config.dir).split(path.sep).join('/');
  if (rel.startsWith('..')) {
    throw new TsopsError('GENERIC', `the .sops.yaml in use (${config.path}) is outside this repository`, {
      hint: 'pass the files to wire, e.g. `tsops git setup "secrets/*.yaml"`',
    });
  }
  const patterns: string[] = [];
  const unmapped: string[] = [];
  for (const rule of config.creationRules) {
    const globs = rule.pathRegex === undefined ? undefined : globsForPathRegex(rule.pathRegex);
    if (globs === undefined) {
      unmapped.push(rule.pathRegex === undefined ? `creation_rules[${rule.index}] (every file)` : `creation_rules[${rule.index}] ${JSON.stringify(rule.pathRegex)}`);
      continue;
    }
    for (const g of globs) {
      // a slash-less pattern matches at any depth; below a config in a subdirectory it must stay there
      const scoped = rel === '' ? g : g.includes('/') ? `${rel}/${g}` : `${rel}/**/${g}`;
      if (!patterns.includes(scoped)) patterns.push(scoped);
    }
  }
  return { patterns, unmapped };
}

/** The `.gitattributes` text with a line for each pattern that has none yet; and the patterns added. */
export function addAttributeLines(existing: string, patterns: readonly string[]): { text: string; added: string[] } {
  const have = new Set(
    existing
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((w) => w.length >= 1 && w.includes(`diff=${DRIVER}`) && w.includes(`merge=${DRIVER}`))
      .map((w) => w[0]!),
  );
  const added: string[] = [];
  let text = existing;
  for (const p of patterns) {
    if (have.has(p)) continue;
    have.add(p);
    if (text !== '' && !text.endsWith('\n')) text += '\n';
    text += `${p} diff=${DRIVER} merge=${DRIVER}\n`;
    added.push(p);
  }
  return { text, added };
}

export async function gitSetupCommand(ctx: CommandContext, options: GitSetupOptions): Promise<void> {
  for (const p of options.patterns) checkPattern(p);
  let top: string;
  try {
    top = (await git(ctx, ['-C', ctx.io.cwd(), 'rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    throw new TsopsError('GENERIC', `not inside a git work tree: ${messageOf(e)}`, { hint: 'run `tsops git setup` inside the repository' });
  }
  let patterns = options.patterns;
  if (patterns.length === 0) {
    const derived = patternsFromConfig(ctx, top);
    for (const u of derived.unmapped) {
      ctx.warn(`${u} has no .gitattributes pattern of the same meaning; wire its files with \`tsops git setup PATTERN\``);
    }
    if (derived.patterns.length === 0) {
      throw new TsopsError('GENERIC', 'no creation rule of .sops.yaml maps to a .gitattributes pattern', {
        hint: 'pass the files to wire, e.g. `tsops git setup "secrets/*.yaml"`',
      });
    }
    patterns = derived.patterns;
  }

  const cmd = driverCommand(ctx.io);
  const config = (key: string, value: string) => git(ctx, ['-C', top, 'config', '--local', key, value]);
  await config(`diff.${DRIVER}.textconv`, `${cmd} git textconv`);
  await config(`diff.${DRIVER}.cachetextconv`, 'false');
  await config(`merge.${DRIVER}.name`, 'tsops: value-wise merge of sops files');
  await config(`merge.${DRIVER}.driver`, `${cmd} git merge-driver %O %A %B %P`);

  const file = path.join(top, '.gitattributes');
  const existing = ctx.io.exists(file) ? Buffer.from(ctx.io.readFile(file)).toString('utf8') : '';
  const { text, added } = addAttributeLines(existing, patterns);
  if (added.length > 0) {
    try {
      ctx.io.writeFileAtomic(file, Buffer.from(text, 'utf8'), 0o644);
    } catch (e) {
      throw new TsopsError('WRITE_OUTPUT', `could not write ${file}: ${messageOf(e)}`, { cause: e });
    }
  }
  const out = [`git config: diff.${DRIVER}.textconv and merge.${DRIVER}.driver run \`${cmd}\``];
  for (const p of patterns) out.push(`.gitattributes: ${p} diff=${DRIVER} merge=${DRIVER}${added.includes(p) ? '' : ' (already there)'}`);
  if (added.length > 0) out.push('commit .gitattributes; every other clone runs `tsops git setup` once to wire its own git config');
  ctx.io.stdout.write(`${out.join('\n')}\n`);
}
