import { execFile } from 'node:child_process';

/** Names for numeric owners. Both fall back to the number as text. */
export interface OwnerNames {
  readonly user: (uid: number) => string;
  readonly group: (gid: number) => string;
}

/** Names for numeric owners and the other way round: what find's -user, -group, -nouser and -nogroup ask. */
export interface OwnerDirectory extends OwnerNames {
  /** The uid of a user name, or undefined when the system has no such user. */
  userId(name: string): number | undefined;
  groupId(name: string): number | undefined;
  /** Whether the system names this uid (find's -nouser is its negation). */
  hasUser(uid: number): boolean;
  hasGroup(gid: number): boolean;
}

/** No lookups at all: every owner shows as its number. */
export const NUMERIC_OWNER_NAMES: OwnerNames = { user: String, group: String };

/**
 * Owner names from the system's name service, read once: ONE `getent passwd` and ONE
 * `getent group` per call (so LDAP or sssd users are named too), parsed into maps.
 * When the system lists the same id twice the first line wins, as getent's own
 * lookups would. Without getent (or when it lists nothing) owners show as numbers.
 */
export async function resolveOwnerNames(): Promise<OwnerDirectory> {
  const [passwd, group] = await Promise.all([getent('passwd'), getent('group')]);
  const users = parseIdNames(passwd);
  const groups = parseIdNames(group);
  const userIds = nameIds(users);
  const groupIds = nameIds(groups);
  return {
    user: (uid) => users.get(uid) ?? String(uid),
    group: (gid) => groups.get(gid) ?? String(gid),
    userId: (name) => userIds.get(name),
    groupId: (name) => groupIds.get(name),
    hasUser: (uid) => users.has(uid),
    hasGroup: (gid) => groups.has(gid),
  };
}

/** id -> name turned round; a name listed under several ids keeps its first, as getpwnam(3) finds it. */
function nameIds(names: Map<number, string>): Map<string, number> {
  const ids = new Map<string, number>();
  for (const [id, name] of names) if (!ids.has(name)) ids.set(name, id);
  return ids;
}

/**
 * `name:password:id:...` lines to id -> name. Names are decoded as UTF-8. A line
 * whose id is not a whole number is skipped.
 */
export function parseIdNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    const id = fields[2];
    if (fields.length < 3 || id === undefined || !/^\d+$/.test(id)) continue;
    const n = Number(id);
    if (!names.has(n)) names.set(n, fields[0]!);
  }
  return names;
}

/** A database's listing; what was printed even when getent exits non-zero (e.g. a source that cannot enumerate). */
function getent(database: 'passwd' | 'group'): Promise<string> {
  return new Promise((resolve) => {
    execFile('getent', [database], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (_err, stdout) => {
      // A missing getent (ENOENT) leaves stdout empty: owners then show as numbers.
      resolve(typeof stdout === 'string' ? stdout : '');
    });
  });
}
