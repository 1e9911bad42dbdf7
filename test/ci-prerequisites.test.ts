// Suites that need FUSE, Redis, Chromium, ncdu, tmux, a mount namespace or the native addon
// skip on a machine without them, which is right for a developer and wrong for CI: there a skip would pass in
// silence. .ci/run installs every prerequisite and sets CI=true, so under CI a missing
// one is this file's failure, named, instead of a suite that never ran.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redisSkipReason } from './helpers/redis.js';
import { nativeSkipReason } from './helpers/routes.js';
import { slowfsSkipReason } from './helpers/slowfs.js';
import { tmuxSkipReason } from './helpers/tmux.js';

const CHROMIUM = '/usr/bin/chromium';

describe.runIf(process.env.CI === 'true')('CI has what every suite needs (so none skips)', () => {
  it('FUSE and slowfs (large inodes, interrupts, multi-host)', () => {
    expect(slowfsSkipReason()).toBeNull();
  });
  it('a Redis for the multi-host walks', () => {
    expect(redisSkipReason()).toBeNull();
  });
  it('Chromium for the report pages', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing`).toBe(true);
  });
  it("a private mount namespace (unshare -m) for the per-owner report's owners with odd names", () => {
    expect(spawnSync('unshare', ['-m', 'true']).status).toBe(0);
  });
  it('ncdu, to read back the ncdu export', () => {
    expect(existsSync('/usr/bin/ncdu'), '/usr/bin/ncdu is missing').toBe(true);
  });
  it('tmux for the browse tests', () => {
    expect(tmuxSkipReason()).toBeNull();
  });
  it('the native addon', () => {
    expect(nativeSkipReason).toBeNull();
  });
});
