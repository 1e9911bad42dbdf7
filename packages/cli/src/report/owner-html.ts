import { exactBytes, humanBytes, humanCount } from '../format-units.js';
import { exactJson } from '../output/exact-json.js';
import { cell, htmlPage, linkCell, linkLine, metrics, note, subheading, table, type Metric, type Section } from './html-page.js';
import type { OwnerIndexJson, OwnerReportJson } from './owner-schema.js';
import type { WalkReference } from './schema-parts.js';
import type { z } from 'zod';
import { ageCharts, largestFilesTable, percent, shareCell, sizeBars, USAGE_HEAD, usageCells, usageMetrics, usageTooltip } from './report-html.js';
import { barChart } from './svg-charts.js';
import { walkLine } from './walk-line.js';

const INDEX_PAGE = 'index.html';
/** The index's chart shows the largest owners; its table lists every one. */
const CHART_OWNERS = 20;

function directoryTable(rows: OwnerReportJson['largestDirectories']): string {
  return table(
    ['directory', ...USAGE_HEAD, 'not read 1 y+'],
    rows.map((d) => [cell(d.path, `depth ${d.depth}`), ...usageCells(d), cell(humanBytes(d.coldBytes), exactBytes(d.coldBytes), String(d.coldBytes))]),
  );
}

/** A page of the per-owner set: the walk in its header, its document embedded, the footer saying where it came from. */
function ownerPage(title: string, doc: { walk: z.infer<typeof WalkReference>; generatedAt: string }, sections: Section[]): string {
  return htmlPage({
    title: `${title}: ${doc.walk.root}`,
    subtitle: walkLine(doc.walk),
    sections,
    json: exactJson(doc),
    footer: `pwalk-ts report --per-owner, ${doc.generatedAt}, from walk ${doc.walk.walkId ?? doc.walk.walk}. Sizes: apparent = sum of st_size; allocated = st_blocks x 512.`,
  });
}

function ownerTitle(kind: string, name: string, id: number | bigint): string {
  return `${kind} ${name}${name === String(id) ? '' : ` (${kind === 'user' ? 'uid' : 'gid'} ${id})`}`;
}

/** One owner's page, drawn from their JSON document (so page and document always agree). */
export function ownerHtml(r: OwnerReportJson): string {
  const h = r.headline;
  const who = ownerTitle(r.owner.kind, r.owner.name, r.owner.id);
  const headline = [
    ...usageMetrics(h),
    { metric: 'share', label: 'Share of the walk', text: percent(h.share), exact: `${exactBytes(h.apparentBytes)} of ${exactBytes(h.walkApparentBytes)}` },
    { metric: 'coldBytes', label: 'Not read 1 y+', text: humanBytes(r.cold.apparentBytes), exact: exactBytes(r.cold.apparentBytes) },
  ];
  return ownerPage(`Storage of ${who}`, r, [
    {
      id: 'summary',
      title: 'Summary',
      body:
        metrics(headline) +
        note(
          `Only entries owned by this ${r.owner.kind} count; hard-linked files once. Ages are measured from the walk's start. Hover any figure for its exact value.`,
        ) +
        linkLine(`All ${r.owner.kind}s of this walk`, INDEX_PAGE),
    },
    {
      id: 'directories',
      title: 'Largest directories',
      body:
        note(`Their bytes below each directory (the directory itself when it is theirs).`) +
        barChart(
          sizeBars(r.largestDirectories, (d) => d.path),
          'largest directories',
        ) +
        directoryTable(r.largestDirectories),
    },
    { id: 'largest', title: 'Largest files', body: largestFilesTable(r.largestFiles) },
    {
      id: 'ages',
      title: 'Age',
      body:
        note('Modification time (mtime) and last access time (atime), by age at the walk. Purple: a year or older.') +
        ageCharts(r.mtimeAge, 'Last modified') +
        ageCharts(r.atimeAge, 'Last accessed'),
    },
    {
      id: 'cold',
      title: 'Cold data',
      body:
        note(
          `${humanBytes(r.cold.apparentBytes)} in ${humanCount(r.cold.files)} files (${percent(r.cold.share)} of theirs) not read for a year or more (atime): candidates for archive.`,
        ) +
        subheading('Where it is') +
        barChart(
          sizeBars(
            r.coldestDirectories.map((d) => ({ ...d, apparentBytes: d.coldBytes })),
            (d) => d.path,
            () => 'cold',
          ),
          'cold data by directory',
        ) +
        directoryTable(r.coldestDirectories),
    },
  ]);
}

/** The index page: every owner written, linked to their page. */
export function ownerIndexHtml(r: OwnerIndexJson): string {
  const kinds = `${r.kind}s`;
  const omitted = r.omitted;
  const headline: Metric[] = [
    {
      metric: 'owners',
      label: `${r.kind[0]!.toUpperCase()}${kinds.slice(1)} listed`,
      text: humanCount(r.owners.length),
      exact: `${humanCount(r.owners.length)} ${kinds}`,
    },
    ...usageMetrics(r.totals),
  ];
  if (omitted.owners > 0) {
    headline.push({
      metric: 'omitted',
      label: 'Left out',
      text: humanCount(omitted.owners),
      exact: `${humanCount(omitted.owners)} ${kinds} under ${exactBytes(r.minBytes)}, ${exactBytes(omitted.apparentBytes)} together`,
    });
  }
  return ownerPage(`Storage by ${r.kind}`, r, [
    {
      id: 'summary',
      title: 'Summary',
      body:
        metrics(headline) +
        note(
          `The walk's totals, every owner included; hard-linked files once.${omitted.owners > 0 ? ` ${humanCount(omitted.owners)} ${kinds} holding less than ${humanBytes(r.minBytes)} each have no page.` : ''}`,
        ),
    },
    {
      id: 'owners',
      title: `${kinds[0]!.toUpperCase()}${kinds.slice(1)}`,
      body:
        barChart(
          sizeBars(r.owners.slice(0, CHART_OWNERS), (o) => o.name),
          `${kinds} by size`,
        ) +
        table(
          [r.kind, ...USAGE_HEAD, 'share', 'not read 1 y+'],
          r.owners.map((o) => [
            linkCell(o.name, o.html, `id ${o.id}; ${usageTooltip(o)}`),
            ...usageCells(o),
            shareCell(o.share),
            cell(humanBytes(o.coldBytes), exactBytes(o.coldBytes), String(o.coldBytes)),
          ]),
        ),
    },
  ]);
}
