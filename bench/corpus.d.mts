// Types of corpus.mjs for the tests that share its seeded generator (the test type check reads them).
export function mulberry32(seed: number): () => number;
export function ensureCorpus(
  dir: string,
  options?: { shape?: 'local' | 'shallow'; entries?: number; seed?: number; log?: (line: string) => void },
): { dir: string; entries: number; reused: boolean };
