/**
 * Shell-style splitting of the `SOPS_AGE_KEY_CMD` / `SOPS_AGE_SSH_PRIVATE_KEY_CMD` values (spec
 * §4.3): sops uses google/shlex, so the command is split into argv and run without a shell.
 */

/**
 * Split a command line into words the way google/shlex does: whitespace separates words;
 * single quotes keep everything literally; inside double quotes and outside quotes a backslash
 * takes the next character literally; a `#` at the start of a word comments out the rest of
 * the line. Throws on an unterminated quote or a trailing backslash.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = line.length;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  while (i < n) {
    const c = line[i] as string;
    if (!inWord) {
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < n && line[i] !== '\n') i++;
        continue;
      }
      inWord = true;
    }
    if (isSpace(c)) {
      words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= n) throw new Error('EOF found after escape character');
      word += line[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('EOF found when expecting closing quote');
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('EOF found when expecting closing quote');
        const q = line[i] as string;
        if (q === '"') {
          i++;
          break;
        }
        if (q === '\\') {
          if (i + 1 >= n) throw new Error('EOF found when expecting closing quote');
          word += line[i + 1];
          i += 2;
        } else {
          word += q;
          i++;
        }
      }
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
