import type { WalkEntry } from '@pwalk-ts/reader';
import { latin1 } from './byte-text.js';

const SLASH = 0x2f;

/**
 * One entry as find's tests see it: its name and path as latin1 strings (one
 * character per byte), made once per entry and only when a test asks.
 */
export class EntryView {
  private current: WalkEntry | null = null;
  private nameText: string | undefined;
  private pathText: string | undefined;

  /** `rootName`: the name find gives the starting point (see `rootEntryName`). */
  constructor(private readonly rootName: string) {}

  get entry(): WalkEntry {
    return this.current!;
  }

  show(entry: WalkEntry): this {
    this.current = entry;
    this.nameText = undefined;
    this.pathText = undefined;
    return this;
  }

  /** The last component, as -name matches it. */
  get name(): string {
    if (this.nameText === undefined) {
      const relative = this.entry.relativePathBytes;
      this.nameText = relative.length === 0 ? this.rootName : latin1(relative, relative.lastIndexOf(SLASH) + 1);
    }
    return this.nameText;
  }

  /** The path as find prints it: the root argument joined with the relative path. */
  get path(): string {
    return (this.pathText ??= latin1(this.entry.pathBytes));
  }
}

/**
 * The name find gives its starting point (for -name and %f): the root argument's last
 * component, trailing slashes left out; '/' for '/'.
 */
export function rootEntryName(rootArgument: Uint8Array): string {
  const text = latin1(rootArgument).replace(/\/+$/, '');
  if (text === '') return rootArgument.length > 0 ? '/' : '';
  return text.slice(text.lastIndexOf('/') + 1);
}
