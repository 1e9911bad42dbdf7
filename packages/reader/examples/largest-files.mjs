// The five largest files: apparent size and what the disk really holds (sparse files differ).
import { NUMERIC_OWNER_NAMES, openWalk, usageSummary } from '@pwalk-ts/reader';

const { largestFiles } = await usageSummary(await openWalk(process.argv[2]), { largest: 5, names: NUMERIC_OWNER_NAMES });
for (const f of largestFiles) console.log(`${f.size} bytes (${f.allocatedBytes} allocated) uid ${f.uid}  ${f.path}`);
