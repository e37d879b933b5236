/**
 * Case-folding orbits, for Go patterns that are only partly case-insensitive (`a(?i:b)`): Node 20
 * has no `(?i:…)`, so such atoms are expanded into classes of their case variants.
 */

let foldOrbits: Map<number, number[]> | undefined;

/**
 * Simple case-folding orbits (the sets Go's `unicode.SimpleFold` cycles through), for every code
 * point that has one. Candidates come from single-code-point upper/lower mappings; each orbit is
 * then split by what JS's `iu` matching (also simple case folding) considers equal, so `ı` is not
 * grouped with `i`. Built once, on first need.
 */
export function orbits(): Map<number, number[]> {
  if (foldOrbits !== undefined) return foldOrbits;
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r) as number;
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (!parent.has(ra)) parent.set(ra, ra);
    if (!parent.has(rb)) parent.set(rb, rb);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = 0; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      if (t === s) continue;
      const other = t.codePointAt(0) as number;
      if (t.length === (other > 0xffff ? 2 : 1)) union(cp, other);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    const g = groups.get(root);
    if (g === undefined) groups.set(root, [cp]);
    else g.push(cp);
  }
  foldOrbits = new Map();
  for (const members of groups.values()) {
    let remaining = members.sort((a, b) => a - b);
    while (remaining.length > 0) {
      const re = new RegExp(`^\\u{${(remaining[0] as number).toString(16)}}$`, 'iu');
      const same = remaining.filter((m) => re.test(String.fromCodePoint(m)));
      remaining = remaining.filter((m) => !same.includes(m));
      if (same.length > 1) for (const m of same) foldOrbits.set(m, same);
    }
  }
  return foldOrbits;
}

/** Whether a code point has distinct upper/lower forms (so case folding can matter). */
export function isCased(cp: number): boolean {
  const s = String.fromCodePoint(cp);
  return s.toLowerCase() !== s.toUpperCase() || s.toLowerCase() !== s;
}
