/**
 * A trace's observations as a tree: each node with its children in start order. Observations whose
 * parent is not in the trace (the app's root when only the gateway's spans are stored, or a span whose
 * parent was never exported) are roots, so nothing stored is hidden.
 */
import type { ObservationRecord } from '../model.js';

export interface ObservationNode extends ObservationRecord {
  children: ObservationNode[];
}

export function buildObservationTree(observations: ObservationRecord[]): ObservationNode[] {
  const nodes = new Map<string, ObservationNode>();
  for (const observation of observations) nodes.set(observation.id, { ...observation, children: [] });
  const roots: ObservationNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    // A span naming itself as parent would otherwise vanish from the tree.
    if (parent === undefined || parent === node) roots.push(node);
    else parent.children.push(node);
  }
  const byStart = (a: ObservationNode, b: ObservationNode): number => a.startTime - b.startTime;
  const sortDeep = (list: ObservationNode[]): void => {
    list.sort(byStart);
    for (const node of list) sortDeep(node.children);
  };
  sortDeep(roots);
  return roots;
}
