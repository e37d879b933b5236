/**
 * `tsops updatekeys` (spec §8.2): make files' key groups match their creation rule. The existing
 * data key is kept, so values, `mac` and `lastmodified` stay as they are; keys already in a file
 * keep their `enc` unless the groups or threshold change, and added recipients get the data key
 * (or their group's share) wrapped for them.
 *
 * Beyond sops: with no file (or `--all`) every sops-encrypted file the config governs is synced
 * after one confirmation; `--dry-run` only shows the changes; `--rotate` (or the question asked
 * when recipients are removed) also replaces the data key of files that lose a recipient, so
 * the removed party cannot read values written from then on.
 */
import * as path from 'node:path';
import { TsopsError } from '../../errors.js';
import type { SopsDocument } from '../../core/document.js';
import { parseMetadata } from '../../core/metadata.js';
import { matchCreationRule } from '../../config/match.js';
import type { CreationRule, SopsConfig } from '../../config/types.js';
import type { CommandContext } from '../shared/context.js';
import { parseSopsFile, readInput, withFile, writeInPlaceAsync, type Input } from '../shared/files.js';
import { formatKeyGroupsDiff, hasChanges, removedKeys, useColor } from './key-diff.js';
import { logRuleMatch } from '../shared/key-rules.js';
import { recipientNamer } from '../shared/recipient-names.js';
import { askYesNo } from '../shared/prompt.js';
import { scanRepository } from './repository.js';
import { applyKeyUpdate, planKeyUpdate, type KeyUpdatePlan } from './plan.js';
import { warnRecipientsWithoutEnc } from '../shared/recipient-check.js';
import { checkFileVersion } from '../../core/version.js';
import { WriteBehind, type PreparedWrite } from '../shared/write-behind.js';
import { FileFailures } from '../shared/many-files.js';
import { UpcomingFiles } from '../shared/upcoming.js';

export interface UpdateKeysOptions {
  /** Files to sync; none means every sops file under the config's directory. */
  files: readonly string[];
  /** `--all`: the repository-wide mode, stated explicitly. */
  all?: boolean | undefined;
  /** `-y`: do not ask for confirmation. */
  yes?: boolean | undefined;
  inputType?: string | undefined;
  /** Show what would change and write nothing. */
  dryRun?: boolean | undefined;
  /** Also replace the data key of files that lose a recipient. */
  rotate?: boolean | undefined;
  /** With a new data key: re-encrypt files whose MAC matches only the sops 3.13.2 rule. */
  acceptLegacyMac?: boolean | undefined;
}

/** The config updatekeys needs: found, and with creation rules (§8.2). */
export function requireRulesConfig(ctx: CommandContext): SopsConfig & { creationRules: CreationRule[] } {
  const config = ctx.config();
  if (config === undefined) {
    throw new TsopsError('CONFIG', 'config file not found', {
      hint: 'updatekeys takes the keys from .sops.yaml: create one (searched upwards from the current directory) or pass --config',
    });
  }
  if (config.creationRules === undefined) {
    throw new TsopsError('CONFIG', `the config file ${config.path} does not contain any creation rule`, {
      hint: 'add creation_rules with the keys each file should have',
    });
  }
  return config as SopsConfig & { creationRules: CreationRule[] };
}

async function confirm(ctx: CommandContext): Promise<boolean> {
  const answer = await askYesNo(ctx, 'Is this okay? (y/n):');
  if (answer === undefined) {
    throw new TsopsError('CANCELED', 'no answer to "Is this okay?" (end of input); nothing was changed', {
      hint: 'answer y or n, or pass -y to approve the changes without asking',
    });
  }
  return answer;
}

/**
 * Which of the confirmed plans also get a new data key: with `--rotate` every plan that removes
 * a key; otherwise, when asking is allowed, the ones the user agrees to (those carrying foreign
 * keys cannot be rotated and are not offered).
 */
async function chooseRotations(ctx: CommandContext, options: UpdateKeysOptions, plans: readonly KeyUpdatePlan[]): Promise<Set<KeyUpdatePlan>> {
  const removing = plans.filter((p) => removedKeys(p.diff).length > 0);
  if (removing.length === 0) return new Set();
  if (options.rotate) return new Set(removing);
  const offered = removing.filter((p) => !p.carriesForeignKeys);
  if (offered.length === 0) return new Set();
  if (options.yes) {
    ctx.io.stderr.write('note: removed recipients may still hold the current data key; pass --rotate to replace it\n');
    return new Set();
  }
  const what = offered.length === 1 && plans.length === 1 ? 'the file' : `${offered.length} file(s)`;
  const answer = await askYesNo(
    ctx,
    `Recipients are removed from ${what}. Also replace the data key, so they cannot read values written from now on? (y/n):`,
  );
  // end of input is no answer, as for the first question: nothing is written
  if (answer === undefined) {
    throw new TsopsError('CANCELED', 'no answer to "Also replace the data key?" (end of input); nothing was changed', {
      hint: 'answer y or n, or pass -y (keep the data key) or --rotate (replace it)',
    });
  }
  return answer ? new Set(offered) : new Set();
}

function log(ctx: CommandContext, message: string): void {
  ctx.io.stderr.write(`${message}\n`);
}

/**
 * One file's failure, on stderr, naming the file. The data-key report (`details`) is long: the
 * repository-wide mode shows it for the first failure only.
 */
function updateFailures(ctx: CommandContext): FileFailures {
  return new FileFailures(ctx, (file, message) => `could not update keys for file ${message.startsWith(file) ? message : `${file}: ${message}`}`);
}

/** One named file, as sops does it: log, diff on stdout, ask, re-wrap, write in place. */
async function updateListedFile(ctx: CommandContext, config: SopsConfig, file: string, options: UpdateKeysOptions): Promise<void> {
  const write = await prepareListedFile(ctx, config, file, options);
  await write?.();
}

/** {@link updateListedFile} up to the write, which is returned (with its closing message) if there is one. */
async function prepareListedFile(ctx: CommandContext, config: SopsConfig, file: string, options: UpdateKeysOptions): Promise<PreparedWrite> {
  const abs = ctx.absolute(file);
  log(ctx, `Syncing keys for file ${abs}`);
  const input = await readInput(ctx, { file, inputType: options.inputType, outputType: options.inputType }, false);
  // the file is written back in the format it was read in
  input.outputFormat = input.inputFormat;
  const doc = parseSopsFile(ctx.store(input.inputFormat), input.bytes, file, ctx);
  const rule = withFile(file, () => matchCreationRule(config, abs, ctx.io.cwd()));
  if (rule === undefined) throw new TsopsError('CONFIG', `the config file ${config.path} does not contain any creation rule`);
  logRuleMatch(ctx, config, abs, rule);
  const plan = planKeyUpdate(file, input, doc, rule, config.path);
  if (!hasChanges(plan.diff)) {
    log(ctx, `File ${abs} already up to date`);
    return;
  }
  ctx.io.stdout.write(formatKeyGroupsDiff(plan.diff, { color: useColor(ctx.io.stdout.isTTY, ctx.io.env) }, recipientNamer(ctx)));
  if (options.dryRun) {
    log(ctx, `File ${abs} would be updated (dry run, nothing written)`);
    return;
  }
  if (!options.yes && !(await confirm(ctx))) {
    log(ctx, `File ${abs} left unchanged`);
    return;
  }
  const rotate = (await chooseRotations(ctx, options, [plan])).has(plan);
  const out = await applyKeyUpdate(ctx, plan, rotate, { accepted: options.acceptLegacyMac });
  return async () => {
    await writeInPlaceAsync(ctx, out, plan.input);
    log(ctx, rotate ? `File ${abs} synced with new keys and a new data key` : `File ${abs} synced with new keys`);
  };
}

async function updateListedFiles(ctx: CommandContext, config: SopsConfig, options: UpdateKeysOptions): Promise<void> {
  if (options.files.length === 1) return updateListedFile(ctx, config, options.files[0] as string, options);
  const failures = updateFailures(ctx);
  if (options.yes) {
    // nothing waits on an answer: files are prepared while earlier ones are being written, and a
    // plugin that opens one file's key opens those of the files after it in the same process
    const upcoming = new UpcomingFiles(ctx, options.files, options.inputType);
    const queue = new WriteBehind(ctx);
    for (const [i, file] of options.files.entries()) {
      upcoming.at(i);
      await queue.add(
        (fileCtx) => prepareListedFile(fileCtx, config, file, options),
        (fileCtx, e) => failures.report(file, e, { ctx: fileCtx }),
      );
    }
    upcoming.done();
    await queue.drain();
  } else {
    // each file is shown and asked about before its key is opened: no plugin opens a file's key before that
    for (const file of options.files) await failures.attempt(file, () => updateListedFile(ctx, config, file, options));
  }
  if (failures.count > 0) {
    throw new TsopsError('GENERIC', `failed updating ${failures.count} key(s)`, { hint: 'the errors are listed above, one per file' });
  }
}

/** Every sops file the config governs: plan all, show all, ask once, apply with progress. */
async function updateRepository(ctx: CommandContext, config: SopsConfig, options: UpdateKeysOptions): Promise<void> {
  if (options.inputType !== undefined) {
    throw new TsopsError('CONFLICTING_PARAMETERS', '--input-type cannot be used without file arguments', {
      hint: "in the repository-wide mode each file's format comes from its name",
    });
  }
  const cwd = ctx.io.cwd();
  const display = (abs: string) => path.relative(cwd, abs) || abs;
  const scan = scanRepository(ctx.io, config);
  const failures = updateFailures(ctx);
  const fail = (name: string, e: unknown, to = ctx) => failures.report(name, e, { ctx: to, brief: failures.count > 0 });
  for (const p of scan.problems) fail(display(p.file.path), p.error);
  const plans: KeyUpdatePlan[] = [];
  let upToDate = 0;
  for (const f of scan.files) {
    const name = display(f.path);
    try {
      const doc: SopsDocument = { branches: f.parsed.branches, metadata: withFile(name, () => parseMetadata(f.parsed.metadata)) };
      withFile(name, () => checkFileVersion(doc.metadata.version));
      warnRecipientsWithoutEnc((m) => ctx.warn(m), name, doc.metadata);
      const input: Input = { bytes: f.bytes, name: f.path, filePath: f.path, inputFormat: f.format, outputFormat: f.format };
      const plan = planKeyUpdate(name, input, doc, f.rule, config.path);
      if (hasChanges(plan.diff)) plans.push(plan);
      else upToDate++;
    } catch (e) {
      fail(name, e);
    }
  }
  const total = scan.files.length;
  if (total === 0 && failures.count === 0) {
    log(ctx, `no sops-encrypted files matching a creation rule under ${config.dir}`);
    return;
  }
  const style = { color: useColor(ctx.io.stdout.isTTY, ctx.io.env) };
  const nameOf = recipientNamer(ctx);
  for (const p of plans) ctx.io.stdout.write(`${p.name}:\n${formatKeyGroupsDiff(p.diff, style, nameOf)}`);
  const finish = () => {
    if (failures.count > 0) {
      throw new TsopsError('GENERIC', `failed updating keys of ${failures.count} file(s)`, { hint: 'the errors are listed above, one per file' });
    }
  };
  if (plans.length === 0) {
    log(ctx, `${upToDate} file(s) already up to date`);
    return finish();
  }
  if (options.dryRun) {
    const rotating = options.rotate ? plans.filter((p) => removedKeys(p.diff).length > 0).length : 0;
    const extra = rotating > 0 ? ` (${rotating} with a new data key)` : '';
    log(ctx, `dry run: ${plans.length} of ${total} file(s) would be updated${extra}, ${upToDate} already up to date; nothing was written`);
    return finish();
  }
  if (!options.yes && !(await confirm(ctx))) {
    log(ctx, `${plans.length} file(s) left unchanged`);
    return finish();
  }
  const rotations = await chooseRotations(ctx, options, plans);
  let updated = 0;
  let rotated = 0;
  // Nothing is asked from here on: files are prepared while earlier ones are being written.
  const queue = new WriteBehind(ctx);
  for (const [i, plan] of plans.entries()) {
    const rotate = rotations.has(plan);
    const at = `[${i + 1}/${plans.length}] ${plan.name}`;
    // a plugin that opens this file's data key opens those of the files after it in the same process
    ctx.pluginRun().setUpcoming(() => plans.slice(i + 1).map((p) => p.doc.metadata.keyGroups));
    await queue.add(
      async (fileCtx) => {
        const out = await applyKeyUpdate(fileCtx, plan, rotate, { accepted: options.acceptLegacyMac, interactive: false });
        return async () => {
          await writeInPlaceAsync(fileCtx, out, plan.input);
          updated++;
          if (rotate) rotated++;
          log(fileCtx, `${at}: ${rotate ? 'updated with a new data key' : 'updated'}`);
        };
      },
      (fileCtx, e) => {
        log(fileCtx, `${at}: failed`);
        fail(plan.name, e, fileCtx);
      },
    );
  }
  ctx.pluginRun().setUpcoming(undefined);
  await queue.drain();
  log(ctx, `${updated} file(s) updated${rotated > 0 ? ` (${rotated} with a new data key)` : ''}, ${upToDate} already up to date`);
  return finish();
}

export async function updateKeysCommand(ctx: CommandContext, options: UpdateKeysOptions): Promise<void> {
  if (options.all && options.files.length > 0) {
    throw new TsopsError('CONFLICTING_PARAMETERS', 'cannot use --all with file arguments', {
      hint: 'name the files, or pass --all (or nothing) to sync every sops file the config governs',
    });
  }
  const config = requireRulesConfig(ctx);
  if (options.files.length === 0) return updateRepository(ctx, config, options);
  return updateListedFiles(ctx, config, options);
}
