// Walk tests run on both scanner routes: the native addon and the TypeScript routes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { REPO, type Route } from './run-cli.js';

export type { Route } from './run-cli.js';

export const NATIVE_ADDON = join(REPO, 'packages/walker/native/build/Release/pwalk_native.node');

/** Why the native route cannot be tested: only that the addon was not built (install never fails for it). */
export const nativeSkipReason: string | null = existsSync(NATIVE_ADDON)
  ? null
  : `the native addon is not built (no ${NATIVE_ADDON}; pnpm install builds it with node-gyp, or pnpm --filter @pwalk-ts/walker build:native)`;

export const ROUTES: readonly Route[] = ['native', 'ts'];

/** The engines a file walks with: both, or the TypeScript routes alone when the addon is not built. */
export const ACTIVE_ROUTES: readonly Route[] = nativeSkipReason === null ? ROUTES : ['ts'];

/**
 * One describe block per route, named "<route> route". The native block is
 * skipped, with the reason printed, when the addon is not built; any other
 * trouble with it (it does not load) fails its walks, since they run with
 * PWALK_NATIVE=1.
 */
let warned = false;

export function describeRoutes(body: (route: Route) => void): void {
  for (const route of ROUTES) {
    const skip = route === 'native' && nativeSkipReason !== null;
    if (skip && !warned) console.warn(`skipping the native-route walks: ${nativeSkipReason}`);
    warned ||= skip;
    describe.skipIf(skip)(`${route} route`, () => body(route));
  }
}
