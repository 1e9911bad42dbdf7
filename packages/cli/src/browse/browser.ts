import type { OwnerNames } from '@pwalk-ts/reader';
import type { BrowseIndex, ChildRow, DirectoryInfo } from './index-read.js';
import type { Key } from './keys.js';
import { ownerLines, entryInfoLines } from './details.js';
import { rowBytes, rowEntries, rowNewest, type SizeKind } from './rows.js';

export type SortKey = 'size' | 'count' | 'mtime' | 'name';

/** One directory on screen: its children in the current order, and where the selection is. */
export interface Listing {
  readonly dir: DirectoryInfo;
  rows: ChildRow[];
  selected: number;
  /** The first row shown. */
  top: number;
}

export type Overlay =
  { readonly kind: 'help' } | { readonly kind: 'text'; readonly title: string; readonly lines: readonly string[] } | { readonly kind: 'jump'; text: string };

/** What the command does after a key: draw again, or end (q, or Ctrl-C in raw mode). */
export type Outcome = 'redraw' | 'quit' | 'interrupt';

const SORT_KEYS: Record<string, SortKey> = { s: 'size', c: 'count', m: 'mtime', n: 'name' };
/** A subtree past this many entries takes long enough (a second or more) to say so first. */
const SLOW_SUBTREE_ENTRIES = 200_000;

function byName(a: ChildRow, b: ChildRow): number {
  return Buffer.compare(a.name, b.name);
}

/**
 * The browser's state and what each key does to it: the directories from the root
 * to the one shown (each keeping its selection, so going up lands where you were),
 * the order, the size kind, and the overlay (help, details, the jump prompt).
 * Drawing is screen.ts's.
 */
export class Browser {
  sort: SortKey = 'size';
  reverse = false;
  sizeKind: SizeKind;
  overlay: Overlay | null = null;
  message: string | null = null;
  /** Rows the list shows at once; the screen sets it before each key. */
  pageRows = 10;
  /**
   * Told before a step that reads more than one directory (the owners of a subtree: at
   * the root of a 10 M-entry walk, the whole index), so the screen can say so first.
   */
  onSlowStep: () => void = () => undefined;
  private readonly path: Listing[];

  constructor(
    private readonly index: BrowseIndex,
    private readonly root: DirectoryInfo,
    /** The walk root's bytes: directory keys are relative to it. */
    private readonly rootBytes: Buffer,
    private readonly names: OwnerNames,
  ) {
    this.sizeKind = root.allocated === null ? 'apparent' : 'allocated';
    this.path = [this.listing(root)];
  }

  get current(): Listing {
    return this.path[this.path.length - 1]!;
  }

  /** The full path bytes of a directory key. */
  pathOf(key: string): Buffer {
    if (key === '') return this.rootBytes;
    const sep = this.rootBytes[this.rootBytes.length - 1] === 0x2f ? '' : '/';
    return Buffer.concat([this.rootBytes, Buffer.from(sep + key, 'latin1')]);
  }

  press(key: Key): Outcome {
    if (key === 'ctrl-c') return 'interrupt';
    this.message = null;
    const overlay = this.overlay;
    if (overlay?.kind === 'jump') {
      this.editJump(overlay, key);
      return 'redraw';
    }
    if (overlay !== null) {
      this.overlay = null;
      return 'redraw';
    }
    const list = this.current;
    switch (key) {
      case 'q':
        return 'quit';
      case 'up':
      case 'k':
        this.select(list.selected - 1);
        break;
      case 'down':
      case 'j':
        this.select(list.selected + 1);
        break;
      case 'pageup':
        this.select(list.selected - this.pageRows);
        break;
      case 'pagedown':
        this.select(list.selected + this.pageRows);
        break;
      case 'home':
        this.select(0);
        break;
      case 'end':
        this.select(list.rows.length - 1);
        break;
      case 'enter':
      case 'right':
      case 'l':
        this.open();
        break;
      case 'backspace':
      case 'left':
      case 'h':
        this.up();
        break;
      case 's':
      case 'c':
      case 'm':
      case 'n':
        this.setSort(SORT_KEYS[key]!);
        break;
      case 'a':
        this.toggleSizeKind();
        break;
      case 'u':
        this.showOwners();
        break;
      case 'i':
        this.showInfo();
        break;
      case '/':
        this.overlay = { kind: 'jump', text: '' };
        break;
      case '?':
        this.overlay = { kind: 'help' };
        break;
      default:
        break;
    }
    return 'redraw';
  }

  private listing(dir: DirectoryInfo): Listing {
    const rows = this.index.children(dir);
    rows.sort(this.comparator());
    return { dir, rows, selected: 0, top: 0 };
  }

  private comparator(): (a: ChildRow, b: ChildRow) => number {
    const kind = this.sizeKind;
    const sign = this.reverse ? -1 : 1;
    const descending =
      <T extends number | bigint>(value: (r: ChildRow) => T) =>
      (a: ChildRow, b: ChildRow): number => {
        const x = value(a);
        const y = value(b);
        return sign * (x > y ? -1 : x < y ? 1 : 0) || byName(a, b);
      };
    switch (this.sort) {
      case 'size':
        return descending((r) => rowBytes(r, kind));
      case 'count':
        return descending(rowEntries);
      case 'mtime':
        return descending(rowNewest);
      case 'name':
        return (a, b) => sign * byName(a, b);
    }
  }

  private select(row: number): void {
    const list = this.current;
    list.selected = Math.max(0, Math.min(list.rows.length - 1, row));
  }

  /** Sorts a listing again in the current order, keeping the same row selected. */
  private resort(list: Listing): void {
    const chosen = list.rows[list.selected];
    list.rows.sort(this.comparator());
    list.selected = chosen === undefined ? 0 : list.rows.indexOf(chosen);
  }

  private open(): void {
    const row = this.current.rows[this.current.selected];
    if (row?.dir === undefined) return;
    this.path.push(this.listing(row.dir));
  }

  private up(): void {
    if (this.path.length === 1) return;
    const left = this.path.pop()!;
    // The order may have changed below: the parent is sorted again, and the directory left stays selected.
    const parent = this.current;
    parent.rows.sort(this.comparator());
    parent.selected = Math.max(
      0,
      parent.rows.findIndex((r) => r.dir?.key === left.dir.key),
    );
  }

  private setSort(sort: SortKey): void {
    this.reverse = this.sort === sort ? !this.reverse : false;
    this.sort = sort;
    this.resort(this.current);
  }

  private toggleSizeKind(): void {
    if (this.current.dir.allocated === null) {
      this.message = 'this walk was made with --compact: it has apparent sizes only';
      return;
    }
    this.sizeKind = this.sizeKind === 'allocated' ? 'apparent' : 'allocated';
    this.resort(this.current);
  }

  private showOwners(): void {
    const row = this.current.rows[this.current.selected];
    const dir = row?.dir ?? this.current.dir;
    if (dir.entries > SLOW_SUBTREE_ENTRIES) {
      this.message = `counting the owners of ${dir.entries.toLocaleString('en-US')} entries...`;
      this.onSlowStep();
      this.message = null;
    }
    this.overlay = { kind: 'text', title: 'owners below', lines: ownerLines(this.index, dir, this.pathOf(dir.key), this.sizeKind, this.names) };
  }

  private showInfo(): void {
    const row = this.current.rows[this.current.selected];
    if (row === undefined) return;
    const key = this.current.dir.key;
    const path = this.pathOf(key === '' ? row.name.toString('latin1') : `${key}/${row.name.toString('latin1')}`);
    this.overlay = { kind: 'text', title: 'entry', lines: entryInfoLines(row, path, this.names) };
  }

  private editJump(overlay: { kind: 'jump'; text: string }, key: Key): void {
    if (key === 'escape') this.overlay = null;
    else if (key === 'backspace') overlay.text = [...overlay.text].slice(0, -1).join('');
    else if (key === 'enter') {
      this.overlay = null;
      this.jump(overlay.text);
    } else if ([...key].length === 1) overlay.text += key;
  }

  /**
   * Goes to a directory (or selects an entry in its directory) by path: absolute under
   * the walk's root, or relative to the directory shown ('..' goes up).
   */
  private jump(text: string): void {
    if (text === '') return;
    const typed = Buffer.from(text, 'utf8');
    const root = this.rootBytes;
    let parts: string[];
    if (text.startsWith('/')) {
      const rootText = root.toString('latin1').replace(/\/+$/, '');
      const asLatin1 = typed.toString('latin1').replace(/\/+$/, '');
      if (asLatin1 !== rootText && !asLatin1.startsWith(`${rootText}/`)) {
        this.message = `not below the walk's root: ${text}`;
        return;
      }
      parts = asLatin1.slice(rootText.length).split('/');
    } else {
      parts = [...(this.current.dir.key === '' ? [] : this.current.dir.key.split('/')), ...typed.toString('latin1').split('/')];
    }
    const key: string[] = [];
    for (const part of parts) {
      if (part === '' || part === '.') continue;
      if (part === '..') key.pop();
      else key.push(part);
    }
    if (!this.goTo(key)) this.message = `not in this walk: ${text}`;
  }

  /** Shows the directory at `parts` below the root, or selects the entry there in its directory. */
  private goTo(parts: readonly string[]): boolean {
    const trail: Listing[] = [this.listing(this.root)];
    for (let i = 0; i < parts.length; i++) {
      const list = trail[trail.length - 1]!;
      const at = list.rows.findIndex((r) => r.name.toString('latin1') === parts[i]);
      if (at === -1) return false;
      list.selected = at;
      const dir = list.rows[at]!.dir;
      if (dir === undefined) {
        if (i !== parts.length - 1) return false;
        break;
      }
      trail.push(this.listing(dir));
    }
    this.path.splice(0, this.path.length, ...trail);
    return true;
  }
}
