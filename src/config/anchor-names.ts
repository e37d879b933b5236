/**
 * Recipient names from `.sops.yaml` anchors: `- &alice age1…` names that recipient `alice`
 * wherever tsops shows it. YAML anchors are the one naming scheme sops configs already use
 * (sops-nix style `keys:` lists), so no new config key is needed and sops ignores them.
 */
import { isScalar, visit, type Document } from 'yaml';

/** Each anchored string scalar's value (trimmed) → its anchor name; the first anchor wins. */
export function collectAnchorNames(doc: Document.Parsed): Map<string, string> {
  const names = new Map<string, string>();
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || node.anchor === undefined || typeof node.value !== 'string') return;
      const value = node.value.trim();
      // a comma list names several keys at once: no single key gets the name
      if (value === '' || value.includes(',') || names.has(value)) return;
      names.set(value, node.anchor);
    },
  });
  return names;
}
