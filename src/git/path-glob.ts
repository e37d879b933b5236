/**
 * `.sops.yaml` `path_regex` → `.gitattributes` globs, for the common shapes only (`\.yaml$`,
 * `^secrets/.*\.yaml$`, `\.(yaml|json)$`, a literal path). A regex outside them gets no glob
 * rather than a guess: a wrong glob would silently leave files without the drivers. Pure.
 */

/** The globs equivalent to `regex` matched against paths relative to the config's directory, or undefined. */
export function globsForPathRegex(regex: string): string[] | undefined {
  // one group of plain alternatives, e.g. \.(yaml|json)$, expands into one glob each
  const alt = /\((?:\?:)?([A-Za-z0-9_.\\/|-]+)\)/.exec(regex);
  if (alt !== null) {
    if (regex.indexOf('(', alt.index + 1) >= 0) return undefined;
    const out: string[] = [];
    for (const choice of alt[1]!.split('|')) {
      const globs = globsForPathRegex(regex.slice(0, alt.index) + choice + regex.slice(alt.index + alt[0].length));
      if (globs === undefined) return undefined;
      out.push(...globs);
    }
    return out;
  }
  const glob = singleGlob(regex);
  return glob === undefined ? undefined : [glob];
}

function singleGlob(regex: string): string | undefined {
  let body = regex;
  const anchored = body.startsWith('^');
  if (anchored) body = body.slice(1);
  // without `$` the regex also matches longer names (x.yaml.bak): no glob says that
  if (!body.endsWith('$') || body.endsWith('\\$')) return undefined;
  body = body.slice(0, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const two = body.slice(i, i + 2);
    const five = body.slice(i, i + 5);
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || !/[.\-_/]/.test(next)) return undefined;
      out += next;
      i++;
    } else if (two === '.*' || two === '.+') {
      // any run of characters, slashes included
      out += '\u0000';
      i++;
    } else if (five === '[^/]*' || five === '[^/]+') {
      out += '*';
      i += 4;
    } else if (/[A-Za-z0-9_/-]/.test(c)) {
      out += c;
    } else {
      return undefined;
    }
  }
  // `.*` spans directories: at a segment's start, with no `/` after it, it is `**/*`
  const parts = out.split('\u0000');
  if (parts.length > 2) return undefined;
  let glob = parts[0]!;
  if (parts.length === 2) {
    const after = parts[1]!;
    if (!(glob === '' || glob.endsWith('/')) || after.includes('/')) return undefined;
    glob = `${glob}**/*${after}`;
  }
  // unanchored, the regex matches at any position: any directories, then any start of a name
  if (!anchored && !glob.startsWith('**/*')) glob = `**/*${glob}`;
  // `**/x` with no other slash is what git's slash-less pattern `x` already means
  if (glob.startsWith('**/') && !glob.slice(3).includes('/')) glob = glob.slice(3);
  return glob === '' ? undefined : glob;
}
