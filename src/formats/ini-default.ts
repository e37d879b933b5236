/**
 * go-ini, and so sops, always gives an INI document a first section `DEFAULT` holding the keys
 * written before any `[section]`, empty when there are none. Written back as INI it vanishes;
 * in another format or in the environment it would show a section the file does not have.
 */
import { isMap, newMap, type Branches, type TreeMap } from '../core/tree.js';

export const INI_DEFAULT_SECTION = 'DEFAULT';

/** The branches without an empty `DEFAULT` section (one with keys or comments is kept). */
export function withoutEmptyIniDefault(branches: Branches): Branches {
  return branches.map((root) =>
    newMap(root.items.filter((item) => !(item.key === INI_DEFAULT_SECTION && isMap(item.value) && item.value.items.length === 0))),
  );
}

/**
 * The top level of an INI document as the environment sees it: the keys before any section are
 * top-level names; real sections stay maps (and are refused as nested values).
 */
export function iniTopLevel(root: TreeMap): TreeMap {
  const items = root.items.flatMap((item) =>
    item.key === INI_DEFAULT_SECTION && isMap(item.value) ? item.value.items : [item],
  );
  return newMap(items);
}
