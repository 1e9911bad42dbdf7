/** A name that is a safe file name everywhere a page may be copied or mailed: no slash, dot start, space, control or non-ASCII byte. */
const PORTABLE = /^[A-Za-z_][A-Za-z0-9._-]{0,63}$/;

/**
 * Each owner's file name in DIR, without extension: `KIND-NAME` when the name is
 * portable and no other owner's name differs from it only in case (a case-insensitive
 * filesystem, or a mail client, would merge them), else `KIND-ID`. A name starts with a
 * letter or underscore and an id with a digit, so the two forms never meet, and
 * neither is `index`. Names are hostile input (a user may be called `../x` or hold
 * bytes that are not UTF-8): nothing of such a name reaches the file system.
 */
export function ownerFileNames(kind: 'user' | 'group', owners: readonly { id: number; name: string }[]): Map<number, string> {
  const folded = new Map<string, number>();
  for (const o of owners) if (PORTABLE.test(o.name)) folded.set(o.name.toLowerCase(), (folded.get(o.name.toLowerCase()) ?? 0) + 1);
  const files = new Map<number, string>();
  for (const o of owners) {
    const byName = PORTABLE.test(o.name) && folded.get(o.name.toLowerCase()) === 1;
    files.set(o.id, `${kind}-${byName ? o.name : String(o.id)}`);
  }
  return files;
}
