/**
 * Files whose MAC matches only sops 3.13.2's rule (comments inside lists hashed, spec §2.5).
 * Such files still open, but the old rule cannot tell a genuine comment from a list item that
 * someone without the key retagged `type:comment` (the `type` field is not authenticated), which
 * deletes the item while the MAC stays valid. So every command warns, naming the lists, and a
 * command that re-encrypts (and so seals whatever it read under a current MAC) asks first.
 */
import { TsopsError } from '../../errors.js';
import type { CommandContext } from './context.js';

/** The flag that confirms a re-encryption for scripts. */
export const ACCEPT_LEGACY_MAC_FLAG = '--accept-legacy-mac';

/** What a command does with a file whose MAC follows the old rule. */
export interface LegacyMacPolicy {
  /** The command writes the values back under a new MAC. */
  rewrites: boolean;
  /** `--accept-legacy-mac`: the user has checked the lists. */
  accepted?: boolean | undefined;
  /** Whether asking on a terminal is allowed (default true). */
  interactive?: boolean | undefined;
}

/** Collects the lists reported by `decryptDocument`'s `onLegacyMac`, warning at once. */
export class LegacyMacCheck {
  lists: string[] | undefined;

  constructor(
    private readonly ctx: CommandContext,
    private readonly name: string,
  ) {}

  readonly onLegacyMac = (lists: string[]): void => {
    this.lists = lists;
    const where = this.name === '' ? '' : `${this.name}: `;
    this.ctx.warn(
      `${where}the MAC matches only the sops 3.13.2 rule, which cannot detect a list item turned into a comment; ` +
        `check the comments in ${lists.join(', ')}`,
    );
  };

  /**
   * Before a re-encryption: go on when the MAC was current or the user confirmed (flag, or y on
   * a terminal); otherwise refuse with nothing written.
   */
  async confirm(policy: LegacyMacPolicy): Promise<void> {
    if (this.lists === undefined || !policy.rewrites || policy.accepted) return;
    const where = this.name === '' ? 'the file' : this.name;
    if (policy.interactive !== false && this.ctx.io.stdinIsTTY) {
      await this.ctx.beforeAsking();
      for (;;) {
        // stderr: stdout may be the command's output
        this.ctx.io.stderr.write(`Re-encrypt ${where} under the current MAC, keeping the comments as they are? (y/n): `);
        const line = await this.ctx.io.readLine();
        const answer = line?.trim().toLowerCase();
        if (answer === 'y' || answer === 'yes') return;
        if (answer === undefined || answer === 'n' || answer === 'no') break;
      }
      throw new TsopsError('CANCELED', `${where} left unchanged`);
    }
    throw new TsopsError('MAC_MISMATCH', `${where}: refusing to re-encrypt a file whose MAC matches only the sops 3.13.2 rule`, {
      hint: `check the comments in ${this.lists.join(', ')} against version control, then pass ${ACCEPT_LEGACY_MAC_FLAG}`,
    });
  }
}
