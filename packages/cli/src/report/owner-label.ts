/**
 * An owner's name on a report or diff page: the name on the machine that made it
 * (or the number when it has none), and '(not recorded)' for a --compact walk,
 * which records no owners.
 */
export function ownerLabel(id: number | null, name: (id: number) => string): string {
  return id === null ? '(not recorded)' : name(id);
}
