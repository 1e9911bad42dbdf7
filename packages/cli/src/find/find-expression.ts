import type { OwnerDirectory, WalkEntry } from '@pwalk-ts/reader';
import { EntryView, rootEntryName } from './entry-view.js';
import { parseExpression, type ExpressionNode, type FindAction } from './expression-parser.js';
import type { DirectoryListing } from './primaries.js';

export type { DirectoryListing } from './primaries.js';
export type { FindAction } from './expression-parser.js';
export type { PrintfFormat, PrintfSource } from './printf-format.js';

/** What parsing an expression needs to know; all of it is fixed for the whole run. */
export interface FindContext {
  /**
   * Milliseconds since 1970 that -mtime, -mmin and the other time tests count back
   * from: the walk's start (its manifest's `startTime`), as find counts from its own.
   */
  readonly referenceMs: number;
  /** The walk's root argument as given (the manifest's `root` bytes): the starting point's name (-name, %f). */
  readonly rootArgument: Uint8Array;
  /** Users and groups, for -user, -group, -nouser and -nogroup (`resolveOwnerNames()`). */
  readonly owners: OwnerDirectory;
}

/** Receives each action the expression runs on an entry, in find's order. */
export type ActionSink = (action: FindAction, entry: WalkEntry) => void;

type Evaluate = (view: EntryView, listing: DirectoryListing, act: ActionSink) => boolean;

/** For callers that never use -empty on directories: every directory has entries. */
export const NO_LISTING: DirectoryListing = { isEmptyDirectory: () => false };

/**
 * A parsed find expression over `WalkEntry`s. Depth limits (-mindepth, -maxdepth)
 * are kept apart from the tests; actions (-print, -print0, -printf) are what
 * `evaluate` reports; an expression without one prints what it matches, as find's
 * implied -print does.
 */
export class FindExpression {
  readonly minDepth: number;
  readonly maxDepth: number;
  /** Uses a field a --compact walk does not record: such a walk must be refused. */
  readonly needsFullAttributes: boolean;
  /** Uses -empty: the caller's `DirectoryListing` must know which directories have entries. */
  readonly needsDirectoryListing: boolean;
  /** Has an action of its own (else -print is implied). */
  readonly hasAction: boolean;
  private readonly evaluateRoot: Evaluate;
  private readonly view: EntryView;

  constructor(
    root: ExpressionNode | null,
    options: { minDepth: number; maxDepth: number; hasAction: boolean; needsFullAttributes: boolean; needsListing: boolean },
    rootName: string,
  ) {
    this.minDepth = options.minDepth;
    this.maxDepth = options.maxDepth;
    this.hasAction = options.hasAction;
    this.needsFullAttributes = options.needsFullAttributes;
    this.needsDirectoryListing = options.needsListing;
    const tests = root === null ? () => true : compile(root);
    const PRINT: FindAction = { kind: 'print' };
    this.evaluateRoot = this.hasAction
      ? tests
      : (view, listing, act) => {
          if (!tests(view, listing, act)) return false;
          act(PRINT, view.entry);
          return true;
        };
    this.view = new EntryView(rootName);
  }

  /** Whether the entry's depth is within -mindepth and -maxdepth (outside, find neither tests nor acts on it). */
  inDepthRange(entry: WalkEntry): boolean {
    return entry.depth >= this.minDepth && entry.depth <= this.maxDepth;
  }

  /** Runs the expression on one entry, calling `act` for each action reached; false outside the depth range. */
  evaluate(entry: WalkEntry, listing: DirectoryListing, act: ActionSink): boolean {
    if (!this.inDepthRange(entry)) return false;
    return this.evaluateRoot(this.view.show(entry), listing, act);
  }

  /** Whether find would act on the entry (print it, by default): what `find` selects and `purge` takes as a candidate. */
  matches(entry: WalkEntry, listing: DirectoryListing = NO_LISTING): boolean {
    let acted = false;
    this.evaluate(entry, listing, () => {
      acted = true;
    });
    return acted;
  }
}

/**
 * Parses find's expression (the operands after the walk, as find takes them after its
 * paths). A mistake is a UsageError in find's words (`unknown predicate '-foo'`,
 * `missing argument to '-name'`, `invalid mode '999'`, ...).
 */
export function parseFindExpression(argv: readonly string[], context: FindContext): FindExpression {
  const parsed = parseExpression(argv, context);
  return new FindExpression(parsed.root, parsed, rootEntryName(context.rootArgument));
}

function compile(node: ExpressionNode): Evaluate {
  switch (node.kind) {
    case 'test':
      return node.test;
    case 'action': {
      const action = node.action;
      return (view, _listing, act) => {
        act(action, view.entry);
        return true;
      };
    }
    case 'not': {
      const operand = compile(node.operand);
      return (view, listing, act) => !operand(view, listing, act);
    }
    case 'and': {
      const [left, right] = [compile(node.left), compile(node.right)];
      return (view, listing, act) => left(view, listing, act) && right(view, listing, act);
    }
    case 'or': {
      const [left, right] = [compile(node.left), compile(node.right)];
      return (view, listing, act) => left(view, listing, act) || right(view, listing, act);
    }
    case 'comma': {
      const [left, right] = [compile(node.left), compile(node.right)];
      return (view, listing, act) => {
        left(view, listing, act);
        return right(view, listing, act);
      };
    }
  }
}
