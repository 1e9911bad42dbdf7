import { keyDepth, parentKey } from '../sdk/path-key.js';

/** One directory of a walk, known once however many owners hold something in it. */
export interface DirectoryNode {
  readonly key: string;
  readonly depth: number;
  /** Its parent's node, found on first asking (undefined until then, and for the root). */
  parent: DirectoryNode | undefined;
}

/**
 * Every directory met, by its key (path-key.ts), each with a link to its parent. Perf:
 * analyses that keep figures per directory for many groups (perOwnerUsage: per owner)
 * key their maps by node, so a directory's key is hashed, sliced for its parent and
 * counted for its depth once, not once per group (those were a quarter of the
 * per-owner pass with 50 owners in every directory).
 */
export class DirectoryIndex {
  private readonly nodes = new Map<string, DirectoryNode>();

  node(key: string): DirectoryNode {
    let node = this.nodes.get(key);
    if (node === undefined) {
      node = { key, depth: keyDepth(key), parent: undefined };
      this.nodes.set(key, node);
    }
    return node;
  }

  /** The parent of a node that is not the root. */
  parent(node: DirectoryNode): DirectoryNode {
    return (node.parent ??= this.node(parentKey(node.key)));
  }
}
