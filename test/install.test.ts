// The packages as a user gets them: `pnpm -r pack` tarballs, installed together with
// `npm install -g` into a temporary prefix (our three packages from their tarballs,
// everything else from the npm registry, through npm's cache), then the installed
// `pwalk-ts` run on a tree built here: --version, a walk, info, and cat's record count
// against `find`. Once with the native addon built at install, once with a compiler
// that fails, where the install must still succeed and walks use the TypeScript routes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './helpers/run-cli.js';

const PACKAGES = ['reader', 'walker', 'cli'] as const;
const PNPM = ['-y', 'pnpm@10.34.8'];
const PACK_TIMEOUT_MS = 180_000;
// npm install fetches some 45 packages (DuckDB's binary among them) unless its cache has them.
const INSTALL_TIMEOUT_MS = 420_000;
const RUN_TIMEOUT_MS = 60_000;
const ADDON = 'lib/node_modules/@pwalk-ts/walker/native/build/Release/pwalk_native.node';

function packageVersion(name: (typeof PACKAGES)[number]): string {
  return (JSON.parse(readFileSync(join(REPO, 'packages', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Under CI the install always runs (an unreachable registry fails it); elsewhere it skips, saying why. */
function registrySkipReason(): string | null {
  if (process.env.CI === 'true') return null;
  const ping = spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 30_000 });
  if (ping.status === 0) return null;
  const why = (ping.error?.message ?? ping.stderr).trim().split('\n').at(-1);
  return `the npm registry does not answer, so npm install cannot fetch the packages' dependencies (npm ping: ${why})`;
}

/** What pnpm and npx set for this repository's own scripts; left in, npm would take the repository for the install's project. */
function installEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(local_prefix|prefix|global_prefix)$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout: number }) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`, { cause: r.error });
  return r;
}

/** npm install runs for many seconds: asynchronous, so both installs go at once. */
function npmInstall(prefix: string, tarballs: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  // --foreground-scripts: the walker's install script's output is shown, so its fallback line can be checked.
  const args = [
    'install',
    '-g',
    '--prefix',
    prefix,
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--foreground-scripts',
    '--allow-scripts=@pwalk-ts/walker',
    ...tarballs,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { env, timeout: INSTALL_TIMEOUT_MS });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The package names a built file imports: static imports and re-exports (no `;`, `(` or `=` inside, so no code or comment is taken for one), and import() of a literal. */
function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\b[^'";()=]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    // A CommonJS package required where it is needed (entry-filter.ts: picomatch, from the walker's folder).
    ...code.matchAll(/\b(?:createRequire\([^()]*\)|walkerRequire)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

/** A small tree of every common kind: folders at several depths, files, an empty folder, a symlink, a hard link. */
function buildTree(root: string): void {
  mkdirSync(join(root, 'src/lib/deep'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  for (const [i, path] of ['a.txt', 'src/main.c', 'src/lib/util.c', 'src/lib/deep/x.bin'].entries()) {
    writeFileSync(join(root, path), 'x'.repeat(1000 * i));
  }
  symlinkSync('src/main.c', join(root, 'link-to-main'));
  linkSync(join(root, 'a.txt'), join(root, 'src/a-again.txt'));
}

describe('pnpm -r pack', () => {
  let work: string;
  const unpacked: Record<string, string> = {};
  const tarballs: string[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pwalk-install-'));
    const packed = join(work, 'packed');
    const pack = run('npx', [...PNPM, '-r', 'pack', '--pack-destination', packed], { cwd: REPO, timeout: PACK_TIMEOUT_MS });
    expect(pack.status, pack.stdout + pack.stderr).toBe(0);
    for (const name of PACKAGES) {
      const tarball = join(packed, `pwalk-ts-${name}-${packageVersion(name)}.tgz`);
      tarballs.push(tarball);
      unpacked[name] = join(work, 'unpacked', name);
      mkdirSync(unpacked[name], { recursive: true });
      expect(run('tar', ['xzf', tarball, '-C', unpacked[name]], { timeout: RUN_TIMEOUT_MS }).status).toBe(0);
    }
  }, PACK_TIMEOUT_MS + 30_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it.each(PACKAGES)('%s: the built code, a README and the licence; no sources, maps or tests', (name) => {
    const files = filesBelow(join(unpacked[name]!, 'package')).map((f) => relative(join(unpacked[name]!, 'package'), f));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((f) => /^(src|test)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(unpacked[name]!, 'package/LICENSE'), 'utf8')).toBe(readFileSync(join(REPO, 'LICENSE'), 'utf8'));
  });

  it.each(PACKAGES)('%s: its dependencies are what its code imports, with versions npm can resolve', (name) => {
    const root = join(unpacked[name]!, 'package');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      main: string;
      engines: { node: string };
      dependencies: Record<string, string>;
    };
    expect(manifest.engines.node).toBe('>=20.15');
    expect(existsSync(join(root, manifest.main))).toBe(true);
    for (const version of Object.values(manifest.dependencies)) expect(version).not.toMatch(/^workspace:/);
    const imported = new Set(
      filesBelow(join(root, 'dist'))
        .filter((f) => f.endsWith('.js'))
        .flatMap((f) => importedPackages(readFileSync(f, 'utf8'))),
    );
    // Both ways: nothing imported is missing (a devDependency at run time), nothing installed goes unused.
    expect([...imported].sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });

  const skipReason = registrySkipReason();
  if (skipReason !== null) console.warn(`skipping npm install -g of the tarballs: ${skipReason}`);

  describe.skipIf(skipReason !== null)('npm install -g of the three tarballs', () => {
    let tree: string;
    let findCount: number;
    const prefixes = { built: '', noCompiler: '' };

    beforeAll(async () => {
      tree = join(work, 'tree');
      buildTree(tree);
      findCount = run('find', [tree], { timeout: RUN_TIMEOUT_MS }).stdout.split('\n').filter(Boolean).length;
      prefixes.built = join(work, 'prefix-built');
      prefixes.noCompiler = join(work, 'prefix-no-compiler');
      // A C compiler that always fails: node-gyp's build of the addon fails as on a machine without one.
      const installs = await Promise.all([
        npmInstall(prefixes.built, tarballs, installEnv()),
        npmInstall(prefixes.noCompiler, tarballs, installEnv({ CC: '/bin/false', CXX: '/bin/false' })),
      ]);
      for (const install of installs) expect(install.status, install.output).toBe(0);
      expect(installs[1].output).toContain('pwalk-ts: native fast path not built; using the TypeScript path');
    }, INSTALL_TIMEOUT_MS + 30_000);

    function pwalkTs(prefix: string, args: string[], env: Record<string, string> = {}) {
      // Only the prefix's bin and Node's own folder on PATH: nothing from this repository.
      const path = `${join(prefix, 'bin')}:${join(process.execPath, '..')}:/usr/bin:/bin`;
      return run(join(prefix, 'bin/pwalk-ts'), args, { cwd: work, env: { PATH: path, ...env }, timeout: RUN_TIMEOUT_MS });
    }

    function expectWalkAndRead(prefix: string, out: string, env: Record<string, string>): void {
      const walk = pwalkTs(prefix, [tree, '--threads', '2', '--out', out], env);
      expect(walk.status, walk.stderr).toBe(0);
      const info = pwalkTs(prefix, ['info', out], env);
      expect(info.status, info.stderr).toBe(0);
      expect(info.stdout).toMatch(/^status\s+complete$/m);
      expect(info.stdout).toMatch(new RegExp(`^entries\\s+${findCount} `, 'm'));
      const cat = pwalkTs(prefix, ['cat', out, '--format', 'ndjson'], env);
      expect(cat.status, cat.stderr).toBe(0);
      expect(cat.stdout.split('\n').filter(Boolean)).toHaveLength(findCount);
    }

    it('pwalk-ts --version says the cli package version', () => {
      const version = pwalkTs(prefixes.built, ['--version']);
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout.trim()).toBe(packageVersion('cli'));
    });

    it('walks, reads and lists every entry on the native route when the addon was built, and on the TypeScript routes', () => {
      if (existsSync(join(prefixes.built, ADDON))) expectWalkAndRead(prefixes.built, join(work, 'walk-native'), { PWALK_NATIVE: '1' });
      else {
        // CI has the compiler the repository's own install needs, so there the addon must build.
        expect(process.env.CI, 'the addon did not build in the npm install').not.toBe('true');
        console.warn('the addon did not build in this npm install (no compiler?): only the TypeScript routes are walked');
      }
      expectWalkAndRead(prefixes.built, join(work, 'walk-ts'), { PWALK_NATIVE: '0' });
    });

    it('walks on the TypeScript routes where the addon failed to build', () => {
      expect(existsSync(join(prefixes.noCompiler, ADDON))).toBe(false);
      expectWalkAndRead(prefixes.noCompiler, join(work, 'walk-fallback'), {});
    });
  });
});
