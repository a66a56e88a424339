/**
 * A depth-first walk over a parsed YAML tree, in the order of yaml's `visit` (a pair, then its key, then
 * its value; items in order) and with its keys ('key', 'value', an item's index, null for a document's
 * contents), for visitors that only read or change a scalar's value. yaml's `visit` freezes a copy of
 * the path at every node: four walks over a 200-check checklist spent more on those copies than on
 * the visitors.
 */
import {
  type Document,
  isAlias,
  isDocument,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
} from 'yaml';

export type WalkKey = number | 'key' | 'value' | null;

export interface Walker {
  /** Every node: scalar, map, sequence or alias. */
  Node?(key: WalkKey, node: Node): void;
  Pair?(key: WalkKey, pair: Pair): void;
  Scalar?(key: WalkKey, node: Scalar): void;
}

export function walk(root: Document | Node | null | undefined, walker: Walker): void {
  if (isDocument(root)) step(null, root.contents, walker);
  else step(null, root, walker);
}

function step(key: WalkKey, node: unknown, walker: Walker): void {
  if (isPair(node)) {
    walker.Pair?.(key, node);
    step('key', node.key, walker);
    step('value', node.value, walker);
    return;
  }
  if (isScalar(node)) {
    (walker.Scalar ?? walker.Node)?.(key, node);
    return;
  }
  if (isMap(node) || isSeq(node)) {
    walker.Node?.(key, node);
    const items = node.items as unknown[];
    for (let i = 0; i < items.length; i += 1) step(i, items[i], walker);
    return;
  }
  if (isAlias(node)) walker.Node?.(key, node);
}
