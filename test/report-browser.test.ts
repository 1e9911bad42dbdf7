// The report, diff, trend and per-owner pages in a real browser: headless Chromium (Debian's, driven by
// playwright-core) opens each HTML file from disk and the test checks that nothing
// leaves the page (the only request is the file itself), nothing logs an error, no
// hostile file name runs as script (they include <script> and onerror= names),
// every headline figure on screen equals the JSON (exactly in its tooltip, within
// rounding in human units), every chart drew shapes, and the page prints. The
// screenshots go to test-output/ for a person to look at.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from './helpers/trees.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(REPO, 'test-output');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-browser: skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

let base: string;
let browser: Browser;

const TREE = String.raw`
import os, sys, time
r = os.fsencode(sys.argv[1]); R = int(time.time()); D = 86400
def w(rel, n, uid=0, gid=0, age=0):
    p = os.path.join(r, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(b"x" * n)
    os.chown(p, uid, gid)
    os.utime(p, (R - age, R - age))
for i in range(30): w(b"projects/alpha/run%02d/out.dat" % (i % 6), 40_000 * (i + 1), 1234, 1234, (i % 5) * 300 * D)
for i in range(50): w(b"home/user%d/notes%02d.txt" % (i % 4, i), 900 * i, 65534, 65534, i * 40 * D)
w(b"scratch/big.iso", 25_000_000, 0, 0, 4 * 365 * D)
for n in [b"<script>alert(1)", b"<img src=x onerror=alert(2)>", b"q\"uote&amp;'s", b"new\nline", b"bytes\xff\xfe.bin", b"</svg><script>alert(3)"]:
    w(b"names/" + n.replace(b"/", b"_"), 4096, 65534, 65534, 500 * D)
w(b"names/<b>dir</b>".replace(b"/", b"_") + b"/inner<script>alert(4)", 123, 0, 0)
w(b"<b onmouseover=alert(6)>top&amp;/x", 10)
`;

const CHANGE = String.raw`
import os, shutil, sys
r = os.fsencode(sys.argv[1])
shutil.rmtree(os.path.join(r, b"home/user1"))
with open(os.path.join(r, b"projects/alpha/run00/out.dat"), "ab") as f: f.write(b"y" * 3_000_000)
with open(os.path.join(r, b"names/<script>alert(5).iso"), "wb") as f: f.write(b"z" * 8_000_000)
os.makedirs(os.path.join(r, b"projects/beta"))
with open(os.path.join(r, b"projects/beta/new\xff<i>.bin"), "wb") as f: f.write(b"n" * 2_000_000)
`;

interface DrillRow {
  name: string;
  parent: number | null;
  apparentBytes: number;
  files: number;
}

interface Visit {
  requests: string[];
  problems: string[];
}

/** Opens a file in a fresh page and records every request, console error, page error and dialog. */
async function open(file: string): Promise<{ page: Page; visit: Visit }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const visit: Visit = { requests: [], problems: [] };
  page.on('request', (r) => visit.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') visit.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => visit.problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    visit.problems.push(`a script ran: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, visit };
}

const UNIT = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50 } as Record<string, number>;

/**
 * A headline figure as shown against the JSON's exact value: the tooltip holds the
 * exact number; the text is either that number (counts) or the same amount in
 * binary units, rounded to the three digits the page shows.
 */
function expectFigure(metric: string, text: string, title: string, exact: bigint): void {
  const digits = (s: string) => BigInt(s.replace(/[^\d-]/g, '') || 'NaN');
  if (/ bytes$/.test(title) || / -> /.test(title)) {
    const [before, after] = title.split(' -> ');
    if (after === undefined) expect(digits(title), metric).toBe(exact < 0n ? -exact : exact);
    else expect(digits(after) - digits(before!), metric).toBe(exact);
    const m = /^([+-]?)([\d.]+) (B|KiB|MiB|GiB|TiB|PiB)$/.exec(text);
    expect(m, `${metric}: "${text}"`).not.toBeNull();
    const shown = Number(m![2]) * UNIT[m![3]!]! * (m![1] === '-' ? -1 : 1);
    const value = Number(exact);
    expect(Math.abs(shown - value), `${metric}: "${text}" for ${exact}`).toBeLessThanOrEqual(Math.max(0.5, Math.abs(value) * 0.006));
    return;
  }
  if (metric === 'durationMs') {
    expect(digits(title)).toBe(exact);
    return;
  }
  expect(digits(text.replace(/\/s$/, '')), `${metric}: "${text}"`).toBe(exact);
}

async function headline(page: Page): Promise<{ metric: string; text: string; title: string }[]> {
  return page.$$eval('[data-metric]', (els) =>
    els.map((e) => ({ metric: e.getAttribute('data-metric')!, text: e.textContent.trim(), title: e.getAttribute('title')! })),
  );
}

/** Every chart drew something: each SVG has shapes, and the shapes have area. */
async function expectCharts(page: Page, atLeast: number): Promise<void> {
  const charts = await page.$$eval('svg.chart', (svgs) =>
    svgs.map((svg) => {
      const shapes = [...svg.querySelectorAll('rect')].map((r) => (r as SVGGraphicsElement).getBBox());
      return {
        label: svg.getAttribute('aria-label'),
        shapes: shapes.length,
        drawn: shapes.filter((b) => b.width > 0 && b.height > 0).length,
        box: svg.getBoundingClientRect().height,
      };
    }),
  );
  expect(charts.length).toBeGreaterThanOrEqual(atLeast);
  const drawn = charts.filter((c) => c.drawn > 0);
  expect(drawn.length, JSON.stringify(charts)).toBeGreaterThanOrEqual(atLeast);
  for (const c of charts) expect(c.box, String(c.label)).toBeGreaterThan(0);
}

async function expectSafe(page: Page, file: string, visit: Visit): Promise<void> {
  expect(visit.problems).toEqual([]);
  expect(visit.requests).toEqual([pathToFileURL(file).href]);
  // The page's embedded data is the JSON document itself.
  const embedded = await page.$eval('#pwalk-data', (e) => JSON.parse(e.textContent) as unknown);
  expect(embedded).toEqual(JSON.parse(readFileSync(file.replace(/\.html$/, '.json'), 'utf8')));
  // Hostile names are text on the page, not elements.
  expect(await page.$$eval('body script', (s) => s.length)).toBe(2);
  expect(await page.$$eval('img, b, i', (s) => s.length)).toBe(0);
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
}

describe.skipIf(!hasChromium)('report, diff and trend pages in Chromium', () => {
  beforeAll(async () => {
    base = makeTempBase('report-browser');
    const tree = join(base, 'tree');
    py(TREE, tree);
    await runCliOk([tree, '--out', join(base, 'w1'), '--quiet']);
    py(CHANGE, tree);
    execFileSync('find', [tree], { stdio: 'ignore' });
    await runCliOk([tree, '--out', join(base, 'w2'), '--quiet']);
    await runCliOk(['report', join(base, 'w2'), '--html', join(base, 'report.html'), '--json', join(base, 'report.json'), '--quiet', '--top', '100']);
    await runCliOk(['diff', join(base, 'w1'), join(base, 'w2'), '--html', join(base, 'diff.html'), '--json', join(base, 'diff.json'), '--quiet']);
    const trendFiles = ['--html', join(base, 'trend.html'), '--json', join(base, 'trend.json'), '--cache-dir', join(base, 'cache'), '--quiet'];
    await runCliOk(['trend', join(base, 'w2'), join(base, 'w1'), '--top', '10', ...trendFiles]);
    await runCliOk(['report', join(base, 'w2'), '--per-owner', join(base, 'owners'), '--quiet', '--top', '100']);
    mkdirSync(OUTPUT, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  });
  afterAll(async () => {
    await browser?.close();
    removeTempBase(base);
  });

  it('the report: no request leaves the page, no error, no script from a name; the headline equals the JSON; charts drawn', async () => {
    const file = join(base, 'report.html');
    const { page, visit } = await open(file);
    const json = JSON.parse(readFileSync(join(base, 'report.json'), 'utf8'), (_k, v: unknown) => v) as { headline: Record<string, number | null> };
    const exactJson = JSON.parse(readFileSync(join(base, 'report.json'), 'utf8').replace(/(":\s*)(-?\d+)([,\n\r}])/g, '$1"$2"$3')) as {
      headline: Record<string, string | null>;
    };
    const figures = await headline(page);
    expect(figures.map((f) => f.metric)).toEqual(['files', 'dirs', 'entries', 'apparentBytes', 'allocatedBytes', 'errors', 'durationMs', 'entriesPerSecond']);
    for (const f of figures) expectFigure(f.metric, f.text, f.title, BigInt(exactJson.headline[f.metric]!));
    expect(json.headline.files).toBeGreaterThan(40);
    await expectCharts(page, 12);
    await expectSafe(page, file, visit);
    await expect(page.getByText('names/<script>alert(1)').count()).resolves.toBeGreaterThan(0);
    // A click on a column header sorts the table by the exact figures, then the other way.
    const largest = page.locator('#largest table');
    const sizes = () => largest.locator('tbody tr td:nth-child(2)').evaluateAll((tds) => tds.map((td) => BigInt(td.getAttribute('data-sort')!)));
    await largest.locator('th', { hasText: 'size' }).first().click();
    const up = await sizes();
    expect(up).toEqual([...up].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await largest.locator('th', { hasText: 'size' }).first().click();
    const down = await sizes();
    expect(down).toEqual([...down].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(down[0]).toBe(up[up.length - 1]);
    expect(up.length).toBeGreaterThan(10);
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
    await page.close();
  });

  it('the per-owner index and an owner page: the same checks, links from one to the other, their figures equal their JSON', async () => {
    const exact = (file: string) => JSON.parse(readFileSync(file, 'utf8').replace(/(":\s*)(-?\d+)([,\n\r}])/g, '$1"$2"$3')) as Record<string, any>;
    const indexFile = join(base, 'owners', 'index.html');
    const index = exact(join(base, 'owners', 'index.json'));
    const { page, visit } = await open(indexFile);
    const figures = await headline(page);
    expect(figures.map((f) => f.metric)).toEqual(['owners', 'files', 'dirs', 'entries', 'apparentBytes', 'allocatedBytes']);
    for (const f of figures) expectFigure(f.metric, f.text, f.title, f.metric === 'owners' ? BigInt(index.owners.length) : BigInt(index.totals[f.metric]));
    expect(index.owners.map((o: { name: string }) => o.name).sort()).toEqual(['1234', 'nobody', 'root']);
    await expectCharts(page, 1);
    await expectSafe(page, indexFile, visit);
    // Each owner's row links to their page; following one opens it from beside the index.
    const links = await page.$$eval('#owners tbody a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(index.owners.map((o: { html: string }) => o.html));
    await page.screenshot({ path: join(OUTPUT, 'owners-index.png'), fullPage: true });
    await Promise.all([page.waitForURL(/user-nobody\.html$/), page.locator('#owners tbody a', { hasText: 'nobody' }).click()]);
    await page.close();

    const ownerFile = join(base, 'owners', 'user-nobody.html');
    const doc = exact(join(base, 'owners', 'user-nobody.json'));
    const owner = await open(ownerFile);
    const shown = await headline(owner.page);
    expect(shown.map((f) => f.metric)).toEqual(['files', 'dirs', 'entries', 'apparentBytes', 'allocatedBytes', 'share', 'coldBytes']);
    for (const f of shown) {
      if (f.metric === 'share') {
        expect(Number(f.text.replace('%', '')), f.text).toBeCloseTo(Number(doc.headline.share) * 100, 1);
        expect(f.title).toBe(
          `${BigInt(doc.headline.apparentBytes).toLocaleString('en-US')} bytes of ${BigInt(doc.headline.walkApparentBytes).toLocaleString('en-US')} bytes`,
        );
      } else {
        expectFigure(f.metric, f.text, f.title, BigInt(f.metric === 'coldBytes' ? doc.cold.apparentBytes : doc.headline[f.metric]));
      }
    }
    expect(BigInt(doc.cold.apparentBytes)).toBeGreaterThan(0n);
    await expectCharts(owner.page, 6);
    await expectSafe(owner.page, ownerFile, owner.visit);
    await expect(owner.page.getByText('names/<script>alert(1)').count()).resolves.toBeGreaterThan(0);
    await owner.page.screenshot({ path: join(OUTPUT, 'owner-page.png'), fullPage: true });
    await Promise.all([owner.page.waitForURL(/index\.html$/), owner.page.getByText('All users of this walk').click()]);
    await owner.page.close();
  });

  it("the report drills down: two levels into a directory by its boxes, a third by its table row, and back by the breadcrumbs; every figure is the JSON's", async () => {
    const file = join(base, 'report.html');
    const { page, visit } = await open(file);
    const doc = JSON.parse(readFileSync(join(base, 'report.json'), 'utf8')) as { drillDown: DrillRow[]; headline: { apparentBytes: number; files: number } };
    const rows = doc.drillDown;
    const find = (name: string, parent: number) => rows.findIndex((r) => r.name === name && r.parent === parent);
    const expectShown = async (dir: number) => {
      const shown = await page.$eval('#explore', (box) => ({
        crumbs: [...box.querySelectorAll('.crumbs .crumb')].map((c) => c.textContent),
        rows: [...box.querySelectorAll<HTMLTableRowElement>('table.explore tbody tr')].map((tr) => ({
          dir: tr.getAttribute('data-dir'),
          name: tr.cells[0]!.textContent,
          bytes: tr.cells[1]!.getAttribute('data-sort'),
          files: tr.cells[3]!.getAttribute('data-sort'),
        })),
      }));
      const chain: number[] = [];
      for (let j: number | null = dir; j !== null; j = rows[j]!.parent) chain.unshift(j);
      expect(shown.crumbs).toEqual(chain.map((j) => rows[j]!.name));
      const kids = rows.flatMap((r, k) => (r.parent === dir ? [k] : []));
      expect(shown.rows.slice(0, kids.length)).toEqual(
        kids.map((k) => ({ dir: String(k), name: rows[k]!.name, bytes: String(rows[k]!.apparentBytes), files: String(rows[k]!.files) })),
      );
      // The rows add up to the directory: its subdirectories, then the rest in one row.
      const sum = (key: 'bytes' | 'files') => shown.rows.reduce((s, r) => s + BigInt(r[key]!), 0n);
      expect(sum('bytes')).toBe(BigInt(rows[dir]!.apparentBytes));
      expect(sum('files')).toBe(BigInt(rows[dir]!.files));
      return shown;
    };
    // Every directory with 0.1% of the bytes or files is there, and nothing smaller.
    expect(rows[0]!.parent).toBeNull();
    expect(BigInt(rows[0]!.apparentBytes)).toBe(BigInt(doc.headline.apparentBytes));
    for (const r of rows) expect(r.apparentBytes * 1000 >= doc.headline.apparentBytes || r.files * 1000 >= doc.headline.files).toBe(true);
    await expectShown(0);
    const rootTiles = await page.locator('#explore svg.treemap [data-dir]').count();
    expect(rootTiles).toBeGreaterThan(3);
    const projects = find('projects', 0);
    const alpha = find('alpha', projects);
    const run = find('run00', alpha);
    expect([projects, alpha, run].every((i) => i > 0)).toBe(true);
    // A box's header (its top left corner): its children's boxes lie below it.
    const openBox = (dir: number) =>
      page
        .locator(`#explore svg.treemap g[data-dir="${dir}"] > rect`)
        .first()
        .click({ position: { x: 3, y: 3 } });
    await openBox(projects);
    await expectShown(projects);
    await openBox(alpha);
    await expectShown(alpha);
    await page.screenshot({ path: join(OUTPUT, 'report-drill-down.png'), fullPage: false, clip: (await page.locator('#explore').boundingBox())! });
    await page.locator(`#explore table.explore tr[data-dir="${run}"]`).click();
    const inRun = await expectShown(run);
    expect(inRun.rows).toEqual([
      { dir: null, name: '(files here and smaller subdirectories)', bytes: String(rows[run]!.apparentBytes), files: String(rows[run]!.files) },
    ]);
    await page.locator('#explore .crumbs a.crumb', { hasText: 'projects' }).click();
    await expectShown(projects);
    await page.locator('#explore .crumbs a.crumb').first().click();
    await expectShown(0);
    expect(await page.locator('#explore svg.treemap [data-dir]').count()).toBe(rootTiles);
    expect(visit.problems).toEqual([]);
    expect(visit.requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it('the diff: the same checks, growth charts drawn, new hostile names shown as text', async () => {
    const file = join(base, 'diff.html');
    const { page, visit } = await open(file);
    const d = JSON.parse(readFileSync(join(base, 'diff.json'), 'utf8').replace(/(":\s*)(-?\d+)([,\n\r}])/g, '$1"$2"$3')) as Record<string, any>;
    const want: Record<string, string> = {
      netBytes: d.netBytes,
      oldBytes: d.old.totals.bytes,
      newBytes: d.new.totals.bytes,
      addedFiles: d.added.files,
      addedBytes: d.added.bytes,
      deletedFiles: d.deleted.files,
      deletedBytes: d.deleted.bytes,
      modifiedFiles: d.modified.files,
      modifiedDeltaBytes: d.modified.deltaBytes,
      newFilesTotal: d.new.totals.files,
    };
    const figures = await headline(page);
    expect(figures.map((f) => f.metric)).toEqual(Object.keys(want));
    for (const f of figures) expectFigure(f.metric, f.text, f.title, BigInt(want[f.metric]!));
    expect(BigInt(d.added.files)).toBe(2n);
    expect(BigInt(d.deleted.files)).toBeGreaterThan(0n);
    await expectCharts(page, 4);
    await expectSafe(page, file, visit);
    await expect(page.getByText('<script>alert(5).iso', { exact: false }).count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT, 'diff.png'), fullPage: true });
    await page.close();
  });

  it('the trend: the same checks; every line has a dot per walk whose tooltip holds its exact figures', async () => {
    const file = join(base, 'trend.html');
    const { page, visit } = await open(file);
    const t = JSON.parse(readFileSync(join(base, 'trend.json'), 'utf8').replace(/(":\s*)(-?\d+)([,\n\r}])/g, '$1"$2"$3')) as Record<string, any>;
    const last = t.walks.at(-1).totals;
    const want: Record<string, string> = {
      bytes: last.bytes,
      files: last.files,
      lastDeltaBytes: last.deltaBytes,
      seriesDeltaBytes: String(BigInt(last.bytes) - BigInt(t.walks[0].totals.bytes)),
      walks: '2',
    };
    const figures = await headline(page);
    expect(figures.map((f) => f.metric)).toEqual(Object.keys(want));
    for (const f of figures) expectFigure(f.metric, f.text, f.title, BigInt(want[f.metric]!));
    const exact = (bytes: string) => `${BigInt(bytes).toLocaleString('en-US')} bytes`;
    // Lines as drawn: each chart's series, in order, with one dot per walk.
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs
        .filter((svg) => svg.querySelector('polyline') !== null)
        .map((svg) => ({
          label: svg.getAttribute('aria-label')!,
          series: [...svg.querySelectorAll('g.series')].map((g) => ({
            name: g.getAttribute('data-series')!,
            points: g.querySelector('polyline')!.getAttribute('points')!.trim().split(' ').length,
            length: (g.querySelector('polyline') as SVGPolylineElement).getTotalLength(),
            tips: [...g.querySelectorAll('circle > title')].map((e) => e.textContent),
          })),
        })),
    );
    expect(charts.map((c) => c.label)).toEqual([
      'Total bytes per walk',
      'Files per walk',
      'Top directories: bytes per walk',
      'Users: bytes per walk',
      'Groups: bytes per walk',
    ]);
    const [totalBytes, , dirs, users, groups] = charts;
    const expectSeries = (drawn: (typeof charts)[number], rows: { name: string; points: { bytes: string }[] }[]) => {
      expect(drawn.series.map((s) => s.name)).toEqual(rows.map((r) => r.name));
      drawn.series.forEach((s, i) => {
        expect(s.points).toBe(2);
        expect(s.tips).toHaveLength(2);
        s.tips.forEach((tip, j) => expect(tip, s.name).toContain(exact(rows[i]!.points[j]!.bytes)));
      });
    };
    expectSeries(totalBytes!, [{ name: 'total bytes', points: t.walks.map((w: any) => w.totals) }]);
    expect(totalBytes!.series[0]!.length).toBeGreaterThan(100);
    expectSeries(dirs!, t.topDirectories);
    expectSeries(users!, t.users);
    expectSeries(groups!, t.groups);
    expect(t.topDirectories.map((s: any) => s.name)).toContain('(other)');
    await expectSafe(page, file, visit);
    await expect(page.getByText('<b onmouseover=alert(6)>top&amp;', { exact: false }).count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: join(OUTPUT, 'trend.png'), fullPage: true });
    await page.close();
  });
});
