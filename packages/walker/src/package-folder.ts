import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The walker package's own folder (package.json, native/, its node_modules), found
 * by resolving the package by name: the same folder from the walker's dist/ as from
 * the CLI's bundle, which holds the walker's code in another package's folder, so a
 * path relative to the running file would point into the CLI.
 */
export const WALKER_FOLDER: string = path.dirname(createRequire(import.meta.url).resolve('@pwalk-ts/walker/package.json'));

/** `require` as from the walker's folder: its dependencies and its addon, wherever its code runs from. */
export const walkerRequire: NodeJS.Require = createRequire(path.join(WALKER_FOLDER, 'package.json'));
