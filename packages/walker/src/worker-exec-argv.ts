/**
 * The execArgv a walker thread starts with. Inherited (undefined), a worker gets the
 * host's flags as Node inherits them, V8 flags (--perf-basic-prof, --max-semi-space-size)
 * included; given explicitly, Node refuses V8 flags (ERR_WORKER_INVALID_EXEC_ARGV), which
 * made `node --perf-basic-prof pwalk-ts ...` fail. Only a host run with --input-type (-e)
 * needs a list: inherited, that flag stops a worker's script from loading.
 */
export function workerExecArgv(hostArgv: readonly string[] = process.execArgv): string[] | undefined {
  const withoutInputType = hostArgv.filter((a) => !a.startsWith('--input-type'));
  return withoutInputType.length === hostArgv.length ? undefined : withoutInputType;
}
