/**
 * Which values get encrypted (spec §1.6, sops' shouldBeEncrypted): at most one selector, checked
 * against every key on the path and every comment on the comment stack.
 */
import type { Selector } from './keys-model.js';
import type { GoRegex } from './regex.js';

/** A selector with its regex compiled once (invalid regexes never match, as in sops). */
export interface CompiledSelector {
  selector: Selector | undefined;
  regex: GoRegex | undefined;
}

export type RegexCompiler = (source: string) => GoRegex | undefined;

export function compileSelector(selector: Selector | undefined, compile: RegexCompiler): CompiledSelector {
  const needsRegex = selector !== undefined && selector.kind.endsWith('_regex');
  return { selector, regex: needsRegex ? compile(selector.value) : undefined };
}

/** The comment stack: one list of comment texts per nesting level. */
export type CommentStack = string[][];

export function shouldBeEncrypted(
  sel: CompiledSelector,
  path: readonly string[],
  stack: CommentStack,
  isComment: boolean,
): boolean {
  const s = sel.selector;
  if (s === undefined) return true;
  switch (s.kind) {
    case 'unencrypted_suffix':
      return !path.some((k) => k.endsWith(s.value));
    case 'encrypted_suffix':
      return path.some((k) => k.endsWith(s.value));
    case 'unencrypted_regex':
      return !path.some((k) => test(sel.regex, k));
    case 'encrypted_regex':
      return path.some((k) => test(sel.regex, k));
    case 'unencrypted_comment_regex':
      return !stack.some((level) => level.some((c) => test(sel.regex, c)));
    case 'encrypted_comment_regex': {
      // The marker comment itself stays clear: skip the newest entry when it is this comment.
      const last = stack.length - 1;
      return stack.some((level, i) =>
        level.some((c, j) => !(isComment && i === last && j === level.length - 1) && test(sel.regex, c)),
      );
    }
  }
}

function test(re: GoRegex | undefined, s: string): boolean {
  return re !== undefined && re.test(s);
}
