// `pwalk-ts find` against GNU find itself, run over the same unchanged tree: a hostile
// tree (test/helpers/find_tree.py) on a noatime tmpfs (reading directories leaves
// their atimes alone), hundreds of seeded, generated expressions plus fixed ones at
// the -mtime/-mmin boundaries, compared as sorted output records; the engine is run
// in-process for the generated ones (a CLI start per expression would take minutes),
// the command end to end for output, roots with a trailing slash, --json, the summary
// and errors. Time tests use the walk's start and find its own: the tree's times sit
// 30 s or more from every boundary, so the second or two between them cannot matter.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWalk, resolveOwnerNames, type Walk, type WalkEntry } from '@pwalk-ts/reader';
import { UsageError } from '../packages/cli/src/errors.js';
import { parseFindExpression, type FindContext } from '../packages/cli/src/find/find-expression.js';
import { FindOutput } from '../packages/cli/src/find/find-output.js';
import { walkDirectoryListing } from '../packages/cli/src/find/walk-listing.js';
import { CLI, parseNdjson, runCli, runCliOk } from './helpers/run-cli.js';
import { mulberry32 } from '../bench/corpus.mjs';
import { makeTempBase, mountTmpfs, PYTHON, removeTempBase } from './helpers/trees.js';

/** `PWALK_FIND_SEED` and `PWALK_FIND_EXPRESSIONS` explore further than CI's fixed set. */
const SEED = Number(process.env.PWALK_FIND_SEED ?? 15);
const GENERATED = Number(process.env.PWALK_FIND_EXPRESSIONS ?? 400);
const TZ = 'Europe/Berlin';
process.env.TZ = TZ;
const FIND_ENV = { ...process.env, LC_ALL: 'C', TZ };

let base: string;
let tree: string;
let walkDir: string;
let mounted = false;
let inodes: number[];
let now: number;
let walk: Walk;
let entries: WalkEntry[];
let context: FindContext;

function gnuFind(root: string, expression: string[]): { code: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('find', [root, ...expression], { env: FIND_ENV, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Output records (split after each `separator`) in byte order, so traversal order does not matter. */
function records(output: Buffer, separator: number): string[] {
  const text = output.toString('latin1');
  const end = String.fromCharCode(separator);
  return text
    .split(end)
    .filter((r, i, all) => i < all.length - 1 || r !== '')
    .sort();
}

beforeAll(async () => {
  base = makeTempBase('find');
  const mountPoint = join(base, 'mnt');
  const why = mountTmpfs(mountPoint, 'noatime,size=256m', 'pwalk-find');
  mounted = why === null;
  if (!mounted) console.log(`find test: no noatime tmpfs (${why}); -atime and -amin are left out`);
  tree = join(mountPoint, 'tree');
  now = Math.floor(Date.now() / 1000);
  inodes = JSON.parse(execFileSync(PYTHON, [join(import.meta.dirname, 'helpers/find_tree.py'), tree, String(now)], { encoding: 'utf8' })) as number[];
  walkDir = join(base, 'walk');
  await runCliOk([tree, '--out', walkDir]);
  walk = await openWalk(walkDir);
  entries = [];
  for await (const e of walk.records()) entries.push(e);
  context = { referenceMs: walk.manifest!.startTime, rootArgument: walk.root.bytes, owners: await resolveOwnerNames() };
});

afterAll(() => {
  if (mounted) spawnSync('umount', [join(base, 'mnt')]);
  removeTempBase(base);
});

const DAY_ARGS = ['0', '1', '-1', '+1', '2', '+0', '-2', '+9', '-10', '10', '+400', '-400', '399', '-0'];
const MINUTE_ARGS = ['1', '-1', '+1', '2', '3', '-3', '+2', '60', '61', '-61', '+60', '1440', '1441', '-1441', '+1440', '2880', '0', '-0.5', '1.5'];
const PRINTF_FORMATS = [
  '%p\\0',
  '%f|%h|%P|%s|%k|%b|%m|%M|%u|%g|%U|%G|%n|%d|%y|%i|%D\\0',
  '%t|%TY-%Tm-%Td %TH:%TM:%TS|%T@|%Tj %TU %TW %Tu %Tw|%Tc|%Tr|%T+|%Tx|%TD|%Tz|%Ta %TA %Tb %TB %Th|%Tk %Tl %TI %Tp|%TF %TT %TX %Ty\\0',
  '%-12f|%8s|%.3p|%5m|%-6u|\\t%%\\n\\0',
  '%CF %CH:%CM|%d %y\\0',
  '%f\\012\\101\\a\\v\\0\\c not printed',
];
const ATIME_FORMAT = '%a|%A@|%AF %AH|%AS\\0';

/** One generated expression: primaries, operators, parentheses, options and actions. */
function generator(seed: number): () => string[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const stamp = (ageSeconds: number): string => {
    const d = new Date((now - ageSeconds) * 1000);
    const two = (n: number): string => String(n).padStart(2, '0');
    return random() < 0.3
      ? `@${now - ageSeconds}`
      : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  };
  const times = mounted ? ['-mtime', '-atime'] : ['-mtime'];
  const minutes = mounted ? ['-mmin', '-amin'] : ['-mmin'];
  const tests: (() => string[])[] = [
    () => ['-type', pick(['f', 'd', 'l', 'p', 's', 'f,d', 'l,p,s'])],
    () => [
      pick(['-name', '-iname']),
      pick([
        '*.txt',
        '*.TXT',
        '*',
        '.*',
        '[a-d]*',
        '*[!a-z]*',
        '?????',
        '*\\**',
        '*\n*',
        '*space*',
        'caf*',
        '\\[bracket]',
        'bad*',
        '*.c*',
        '[[:upper:]]*',
        '*[[:punct:]]*',
        'x',
        'tree',
        '[A-Z]*',
      ]),
    ],
    () => [pick(['-path', '-ipath']), pick(['*/d1/*', '*sub*', tree + '/d2', '*/.*', '*/D1/*', tree, '*e*x*'])],
    () => [
      pick(['-regex', '-iregex']),
      pick([
        '.*/d1/.*',
        '.*\\.txt',
        '.*/[a-z]+',
        '.*/\\(d1\\|d2\\)/.*',
        '.*e.*',
        '.*/.\\w+',
        '.*[^/]',
        '.*/[A-Z].*',
        '.*/x',
        '.*/\\(.\\)\\1.*',
        '.*/a\\.b\\.c',
        '.*\\<sub\\>.*',
      ]),
    ],
    () => ['-size', pick(['0', '-1', '1', '+1', '2', '-1M', '+1M', '1k', '+0c', '513c', '-512c', '+3G', '4G', '-1G', '1w', '+2k', '1M', '2M', '+1023c'])],
    () => ['-empty'],
    () => [pick(times), pick(DAY_ARGS)],
    () => ['-ctime', pick(['0', '-1', '+0'])],
    () => [pick(minutes), pick(MINUTE_ARGS)],
    () => ['-cmin', pick(['-5', '+5', '-1000'])],
    () => ['-newermt', stamp(pick([60, 120, 3600, 86400, 200000, 40000000, -7200]))],
    () => ['-user', pick(['root', 'nobody', '12345', '0'])],
    () => ['-group', pick(['root', 'nogroup', '54321'])],
    () => [pick(['-uid', '-gid']), pick(['0', '+0', '-1', '65534', '+65533', '12345', '54321', '-100000'])],
    () => [pick(['-nouser', '-nogroup'])],
    () => ['-links', pick(['1', '2', '+1', '-2', '3'])],
    () => ['-inum', `${pick(['', '+', '-'])}${pick(inodes)}`],
    () => [
      '-perm',
      pick([
        '644',
        '-644',
        '/022',
        '-u=rw',
        '/u=x,g=x',
        'u=rw,go=r',
        '-4000',
        '/6000',
        '/1000',
        '0',
        '-0',
        '/000',
        'g+w',
        '-o+w',
        '755',
        '-a+r',
        'u=rwx,g=rx,o=',
        '/o=w',
        '-g=s',
        'a=X',
        '/a+X',
      ]),
    ],
    () => [pick(['-true', '-false'])],
  ];
  const expression = (depth: number): string[] => {
    const r = random();
    if (depth > 2 || r < 0.35) return pick(tests)();
    if (r < 0.55) return [...expression(depth + 1), '-o', ...expression(depth + 1)];
    if (r < 0.75) return [...expression(depth + 1), ...(random() < 0.5 ? ['-a'] : []), ...expression(depth + 1)];
    if (r < 0.85) return [pick(['!', '-not']), ...expression(depth + 1)];
    return ['(', ...expression(depth + 1), ')'];
  };
  return () => {
    const options = random() < 0.2 ? [pick(['-maxdepth', '-mindepth']), pick(['0', '1', '2', '3'])] : [];
    const body = expression(0);
    const r = random();
    // Every output record ends in NUL (names hold newlines), except the implied -print's.
    if (r < 0.55) return [...options, '(', ...body, ')', '-print0'];
    if (r < 0.7) return [...options, ...body];
    const format = random() < 0.15 && mounted ? ATIME_FORMAT : pick(PRINTF_FORMATS);
    if (r < 0.85) return [...options, ...body, '-printf', format];
    return [...options, ...body, '-printf', format, '-o', '-print0'];
  };
}

/** The engine's output for one expression over the walk, as the command writes it. */
async function engineOutput(expression: string[]): Promise<Buffer> {
  const parsed = parseFindExpression(expression, context);
  const listing = await walkDirectoryListing(walk, new AbortController().signal);
  const output = new FindOutput(false, { rootArgument: walk.root.bytes, owners: context.owners });
  for (const entry of entries) {
    output.startEntry();
    parsed.evaluate(entry, listing, output.act);
  }
  return output.take();
}

function boundaryExpressions(): string[][] {
  const out: string[][] = [];
  for (const test of mounted ? ['-mtime', '-atime'] : ['-mtime']) for (const n of DAY_ARGS) out.push([test, n, '-print0']);
  for (const test of mounted ? ['-mmin', '-amin'] : ['-mmin']) for (const n of MINUTE_ARGS) out.push([test, n, '-print0']);
  return out;
}

describe('pwalk-ts find against GNU find', () => {
  it(`gives what find gives for ${GENERATED} generated expressions and every -mtime/-mmin boundary case`, async () => {
    const next = generator(SEED);
    const generated = Array.from({ length: GENERATED }, next);
    // Expressions with a time test first, while the walk's start and find's are seconds apart.
    const timed = (e: string[]): boolean => e.some((word) => /^-(newermt|[amc](time|min))$/.test(word) || (word.includes('%') && /%[acACtT]/.test(word)));
    const expressions = [...boundaryExpressions(), ...generated.filter(timed), ...generated.filter((e) => !timed(e))];
    const mismatches: string[] = [];
    let nonEmpty = 0;
    for (const expression of expressions) {
      const truth = gnuFind(tree, expression);
      expect(truth.code, `find ${JSON.stringify(expression)}: ${truth.stderr}`).toBe(0);
      const separator = expression.includes('-print0') || expression.includes('-printf') ? 0 : 0x0a;
      const ours = records(await engineOutput(expression), separator);
      const theirs = records(truth.stdout, separator);
      if (theirs.length > 0) nonEmpty++;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        const only = (a: string[], b: string[]): string[] => a.filter((x) => !b.includes(x)).slice(0, 3);
        mismatches.push(
          `${JSON.stringify(expression)}\n  only ours: ${JSON.stringify(only(ours, theirs))}\n  only find: ${JSON.stringify(only(theirs, ours))}`,
        );
      }
    }
    expect(mismatches.slice(0, 10).join('\n')).toBe('');
    // The comparison means something only when most expressions select entries.
    expect(nonEmpty).toBeGreaterThan(expressions.length / 2);
  });

  it('prints paths as find does, raw bytes with -print0, for DIR and DIR/ roots; --sort path in byte order', async () => {
    const all = await runCli(['find', walkDir, '-print0']);
    expect(all.code).toBe(0);
    expect(records(all.stdoutBytes, 0)).toEqual(records(gnuFind(tree, ['-print0']).stdout, 0));
    expect(all.stdoutBytes.includes(Buffer.from('bad\xff\xfeutf8', 'latin1'))).toBe(true);
    expect(all.stderr).toBe(`pwalk-ts: find: ${entries.length} entries matched, ${humanish(entries)}\n`);
    const plain = await runCli(['find', walkDir, '--quiet']);
    expect(plain.stderr).toBe('');
    expect(records(plain.stdoutBytes, 0x0a)).toEqual(records(gnuFind(tree, []).stdout, 0x0a));

    const sorted = await runCli(['find', walkDir, '--quiet', '--sort', 'path', '-type', 'f', '-print0']);
    const paths = sorted.stdoutBytes.toString('latin1').split('\0').slice(0, -1);
    expect(paths.length).toBeGreaterThan(100);
    expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'))));

    const slashWalk = join(base, 'walk-slash');
    await runCliOk([`${tree}/`, '--out', slashWalk]);
    for (const expression of [['-print0'], ['-maxdepth', '1', '-printf', '%p|%h|%f|%P|%H|%d\\0'], ['-name', 'tree', '-print0']]) {
      const ours = await runCli(['find', slashWalk, '--quiet', ...expression]);
      expect(ours.code).toBe(0);
      expect(records(ours.stdoutBytes, 0), JSON.stringify(expression)).toEqual(records(gnuFind(`${tree}/`, expression).stdout, 0));
    }
  });

  it('--json gives cat --format ndjson lines for the entries acted on, once each', async () => {
    const found = await runCli(['find', walkDir, '--json', '--quiet', '-type', 'd', '-print', '-print']);
    const cat = await runCliOk(['cat', walkDir]);
    const dirs = parseNdjson(cat.stdout).filter((e) => e.type === 'dir');
    expect(found.code).toBe(0);
    const lines = found.stdout.split('\n').filter((l) => l !== '');
    expect(lines.sort()).toEqual(
      cat.stdout
        .split('\n')
        .filter((l) => l.includes('"type":"dir"'))
        .sort(),
    );
    expect(lines.length).toBe(dirs.length);
  });

  it("rejects what find rejects, in find's words, as one line with exit 2; a --compact walk only for what it lacks", async () => {
    const bad = [
      ['-foo'],
      ['-name'],
      ['-o', '-name', 'a'],
      ['(', '-name', 'a'],
      ['-type', 'x'],
      ['-perm', '+222'],
      ['-perm', '999'],
      ['-user', 'nosuchuser'],
      ['-group', 'nosuchgrp'],
      ['-size', '3q'],
      ['-mtime', 'x'],
      ['-newermt', 'garbage'],
      ['-name', 'a', ')'],
      ['-maxdepth', 'x'],
      ['-links', 'x'],
      ['!'],
      ['-name', 'a', '-o'],
      ['-uid', 'abc'],
      ['(', ')'],
    ];
    for (const expression of bad) {
      const truth = gnuFind(tree, expression);
      expect(truth.code, JSON.stringify(expression)).toBe(1);
      const findMessage = truth.stderr
        .trim()
        .replace(/^find: /, '')
        .replace(/[`‘’]/g, "'");
      let ours = '';
      try {
        parseFindExpression(expression, context);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        ours = (err as Error).message;
      }
      expect(ours, JSON.stringify(expression)).toBe(findMessage);
    }
    for (const expression of [['-foo'], ['-printf', '%l'], ['x'], ['-exec', 'rm', '{}', ';']]) {
      const r = await runCli(['find', walkDir, ...expression]);
      expect(r.code, JSON.stringify(expression)).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^pwalk-ts: [^\n]+\n$/);
    }
    const compactWalk = join(base, 'walk-compact');
    await runCliOk([tree, '--compact', '--out', compactWalk]);
    const refused = await runCli(['find', compactWalk, '-user', 'root']);
    expect([refused.code, refused.stderr]).toEqual([
      2,
      'pwalk-ts: the expression reads owners, modes, links or access/change times, which a --compact walk does not record\n',
    ]);
    const compact = await runCli(['find', compactWalk, '--quiet', '-size', '+1k', '-mtime', '-3', '-print0']);
    expect(records(compact.stdoutBytes, 0)).toEqual(records(gnuFind(tree, ['-size', '+1k', '-mtime', '-3', '-print0']).stdout, 0));
    const help = await runCli(['find', '--help']);
    expect(help.stdout).toContain('Usage: pwalk-ts find WALK');
    const named = await runCli(['find', walkDir, '--quiet', '-name', '--help']);
    expect([named.code, named.stdout]).toEqual([0, '']);
  });
});

describe('pwalk-ts find on a terminal', () => {
  it('shows the control characters of names as \\xNN with -print and -printf, so no escape sequence reaches the terminal; -print0 stays exact', async () => {
    const tree = join(base, 'tty-tree');
    const hostile = ['t\x1b]0;pwned\x07itle', 'clear\x1b[2Jscreen', 'c1\u009bcsi', 'line\nbreak'];
    execFileSync(PYTHON, [
      '-c',
      'import os, sys\nos.makedirs(sys.argv[1])\nfor n in sys.argv[2:]: open(os.path.join(os.fsencode(sys.argv[1]), n.encode("utf-8", "surrogateescape")), "w").close()',
      tree,
      ...hostile,
    ]);
    const out = join(base, 'tty-walk');
    await runCliOk([tree, '--out', out, '--quiet']);
    // script(1) runs the CLI on a pseudo-terminal, as an administrator's shell would.
    const onTerminal = (args: string[]): Buffer =>
      execFileSync('script', ['-qec', [process.execPath, CLI, 'find', '--quiet', out, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    for (const args of [
      ['-type', 'f'],
      ['-type', 'f', '-printf', '%f\\n'],
    ]) {
      const shown = onTerminal(args);
      expect(shown.includes(0x1b), `${args.join(' ')}: a raw ESC reached the terminal`).toBe(false);
      expect(shown.includes(Buffer.from([0xc2, 0x9b])), `${args.join(' ')}: a raw CSI reached the terminal`).toBe(false);
      const text = shown.toString('latin1');
      for (const want of ['t\\x1b]0;pwned\\x07itle', 'clear\\x1b[2Jscreen', 'c1\\xc2\\x9bcsi']) expect(text).toContain(want);
    }
    expect(onTerminal(['-type', 'f', '-print']).toString('latin1')).toContain('line\\x0abreak');
    // Not a terminal: the exact bytes, as GNU find writes them to a pipe.
    const piped = await runCli(['find', '--quiet', out, '-type', 'f', '-print0']);
    const names = piped.stdoutBytes
      .toString('latin1')
      .split('\0')
      .filter((p) => p !== '')
      .map((p) => p.slice(p.lastIndexOf('/') + 1));
    expect(names.sort()).toEqual(hostile.map((n) => Buffer.from(n, 'utf8').toString('latin1')).sort());
  });
});

function humanish(all: WalkEntry[]): string {
  const bytes = all.reduce((sum, e) => sum + e.size, 0n);
  return `${(Number(bytes) / 2 ** 30).toFixed(2)} GiB (${bytes.toLocaleString('en-US')} bytes)`;
}
