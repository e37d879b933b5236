/**
 * `tsops completion bash|zsh|fish`: a completion script made from the program's own commands and
 * options, so it lists exactly what --help lists and cannot drift from it.
 */
import type { Command, Option } from 'commander';
import { TsopsError } from '../errors.js';

interface Entry {
  /** `groups add` for a subcommand of a group */
  path: string[];
  description: string;
  options: Array<{ long?: string; short?: string; description: string; takesValue: boolean }>;
  subcommands: string[];
}

function visible(cmd: Command): Command[] {
  // commander keeps `hidden` private; a hidden command (publish, keyservice) is not offered.
  return cmd.commands.filter((c) => (c as unknown as { _hidden?: boolean })._hidden !== true);
}

function optionsOf(cmd: Command): Entry['options'] {
  const out = cmd.options
    .filter((o: Option) => !o.hidden)
    .map((o: Option) => ({
      long: o.long,
      short: o.short,
      description: o.description,
      takesValue: o.required || o.optional,
    }));
  out.push({ long: '--help', short: '-h', description: 'show help', takesValue: false });
  return out;
}

function entries(program: Command): Entry[] {
  const out: Entry[] = [];
  const walk = (cmd: Command, path: string[]) => {
    const subs = visible(cmd);
    out.push({ path, description: cmd.description(), options: optionsOf(cmd), subcommands: subs.map((c) => c.name()) });
    for (const c of subs) walk(c, [...path, c.name()]);
  };
  walk(program, []);
  if (!out[0]!.subcommands.includes('help')) out[0]!.subcommands.push('help');
  return out;
}

/** Text safe inside single quotes of every shell, on one line. */
function quoteText(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/'/g, '').replace(/[[\]:\\]/g, ' ').trim();
}

function words(e: Entry): string[] {
  return e.options.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined));
}

function bash(list: Entry[]): string {
  const cases = list
    .filter((e) => e.path.length > 0)
    .map((e) => `    '${e.path.join(' ')}') opts='${words(e).join(' ')}' ;;`)
    .join('\n');
  const root = list[0]!;
  return `# bash completion for tsops; load with: source <(tsops completion bash)
_tsops() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local path="" i w
  # The command path: the leading words that are commands (groups add, …).
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      -*) continue ;;
    esac
    case " $(_tsops_subcommands "$path") " in
      *" $w "*) path="\${path:+$path }$w" ;;
      *) break ;;
    esac
  done
  # Options after a dash, else the subcommands if any; otherwise bash completes file names.
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_tsops_words "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_tsops_subcommands "$path")" -- "$cur"))
  fi
}
_tsops_subcommands() {
  case "$1" in
    '') echo '${root.subcommands.join(' ')}' ;;
${list
  .filter((e) => e.path.length > 0 && e.subcommands.length > 0)
  .map((e) => `    '${e.path.join(' ')}') echo '${e.subcommands.join(' ')}' ;;`)
  .join('\n')}
  esac
}
_tsops_words() {
  local opts=''
  case "$1" in
    '') opts='${words(root).join(' ')}' ;;
${cases}
  esac
  echo "$opts"
}
complete -o default -o bashdefault -F _tsops tsops
`;
}

function zsh(list: Entry[]): string {
  const fnName = (e: Entry) => `_tsops_${e.path.map((p) => p.replace(/-/g, '_')).join('_') || 'root'}`;
  const fns = list.map((e) => {
    const specs = e.options.map((o) => {
      const names = [o.short, o.long].filter((x): x is string => x !== undefined);
      const label = names.length > 1 ? `{${names.join(',')}}` : names[0]!;
      return `    ${label}'[${quoteText(o.description)}]${o.takesValue ? ':value:_files' : ''}'`;
    });
    const subs = e.subcommands.map((s) => {
      const child = list.find((c) => c.path.join(' ') === [...e.path, s].join(' '));
      return `    '${s}:${quoteText(child?.description ?? 'show help')}'`;
    });
    const body =
      e.subcommands.length > 0
        ? `  local -a commands
  commands=(
${subs.join('\n')}
  )
  _arguments -C \\
${specs.map((s) => `${s} \\`).join('\n')}
    '1: :->cmd' \\
    '*:: :->args'
  case $state in
    cmd) _describe 'command' commands; _files ;;
    args)
      case $words[1] in
${e.subcommands
  .filter((s) => list.some((c) => c.path.join(' ') === [...e.path, s].join(' ')))
  .map((s) => `        ${s}) ${fnName({ ...e, path: [...e.path, s] })} ;;`)
  .join('\n')}
        *) _files ;;
      esac ;;
  esac`
        : `  _arguments \\
${specs.map((s) => `${s} \\`).join('\n')}
    '*:file:_files'`;
    return `${fnName(e)}() {\n${body}\n}`;
  });
  return `#compdef tsops
# zsh completion for tsops; load with: source <(tsops completion zsh)
${fns.join('\n\n')}

if [[ "$funcstack[1]" == "_tsops" ]]; then
  _tsops_root "$@"
else
  _tsops() { _tsops_root "$@" }
  compdef _tsops tsops
fi
`;
}

function fish(list: Entry[]): string {
  const lines = ['# fish completion for tsops; load with: tsops completion fish | source', 'complete -c tsops -e'];
  const root = list[0]!;
  const all = root.subcommands.join(' ');
  for (const e of list) {
    let cond: string;
    if (e.path.length === 0) cond = '__fish_use_subcommand';
    else if (e.path.length === 1) cond = `__fish_seen_subcommand_from ${e.path[0]}`;
    else cond = `__fish_seen_subcommand_from ${e.path[0]}; and __fish_seen_subcommand_from ${e.path.slice(1).join(' ')}`;
    if (e.path.length === 1 && e.subcommands.length > 0) {
      const subs = e.subcommands.join(' ');
      for (const s of e.subcommands) {
        const child = list.find((c) => c.path.join(' ') === [...e.path, s].join(' '));
        lines.push(`complete -c tsops -f -n '${cond}; and not __fish_seen_subcommand_from ${subs}' -a ${s} -d '${quoteText(child?.description ?? '')}'`);
      }
    } else if (e.path.length === 0) {
      for (const s of e.subcommands) {
        const child = list.find((c) => c.path.join(' ') === s);
        lines.push(`complete -c tsops -n '${cond}' -a ${s} -d '${quoteText(child?.description ?? 'show help')}'`);
      }
    }
    for (const o of e.options) {
      const parts = ['complete -c tsops', `-n '${e.path.length === 0 ? `not __fish_seen_subcommand_from ${all}` : cond}'`];
      if (o.long) parts.push(`-l ${o.long.replace(/^--/, '')}`);
      if (o.short) parts.push(`-s ${o.short.replace(/^-/, '')}`);
      if (o.takesValue) parts.push('-r');
      parts.push(`-d '${quoteText(o.description)}'`);
      lines.push(parts.join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(program: Command, shell: string): string {
  const list = entries(program);
  if (shell === 'bash') return bash(list);
  if (shell === 'zsh') return zsh(list);
  if (shell === 'fish') return fish(list);
  throw new TsopsError('GENERIC', `completion: unknown shell ${JSON.stringify(shell.slice(0, 40))}; use bash, zsh or fish`);
}
