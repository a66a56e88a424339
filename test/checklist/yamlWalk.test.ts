import { describe, expect, it } from 'vitest';
import { type Node, parseDocument, visit } from 'yaml';
import { walk } from '../../src/checklist/yamlWalk.js';

const TEXT = `version: 1
venue: &v
  l2: { chainId: 901, rpc: ["\${RPC}", b] }
  ? [complex, key]
  : 1
checks:
  - id: a
    tags: [x, *v]
  - - nested
    - null
  -
empty:
`;

type Seen = [string, unknown, unknown];
const label = (node: { constructor: { name: string }; value?: unknown; source?: string }) =>
  [node.constructor.name, node.value ?? node.source ?? ''] as const;

describe('walk', () => {
  it("visits the nodes yaml's visit visits, in its order, with its keys", () => {
    const doc = parseDocument(TEXT);
    const theirs: Seen[] = [];
    const ours: Seen[] = [];
    visit(doc, {
      Node: (key, node) => void theirs.push(['node', key, label(node)]),
      Pair: (key) => void theirs.push(['pair', key, '']),
    });
    walk(doc, {
      Node: (key, node) => void ours.push(['node', key, label(node)]),
      Pair: (key) => void ours.push(['pair', key, '']),
    });
    expect(ours.length).toBeGreaterThan(30);
    expect(ours).toEqual(theirs);
  });

  it('gives scalars to Scalar when there is one, from a subtree too', () => {
    const doc = parseDocument(TEXT);
    const theirs: Seen[] = [];
    const ours: Seen[] = [];
    visit(doc.get('checks', true) as Node, {
      Scalar: (key, node) => void theirs.push(['s', key, node.value]),
    });
    walk(doc.get('checks', true) as Node, { Scalar: (key, node) => void ours.push(['s', key, node.value]) });
    expect(ours).toEqual(theirs);
    expect(ours.length).toBeGreaterThan(5);
  });
});
