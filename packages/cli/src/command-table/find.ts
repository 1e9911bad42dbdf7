import { UsageError } from '../errors.js';
import { defineCommand, flag, type ParsedArgs } from '../command-definition.js';

const flags = {
  json: flag.switch('each entry the expression acts on as one JSON object, as\ncat --format ndjson prints it (no -print0 or -printf then)'),
  quiet: flag.switch('no summary line (entries and bytes matched) on stderr'),
  sort: flag.choice(['none', 'path'], "path: in byte order of paths (find's own order is the\ndirectory order it reads; neither is asked of a walk)", 'none'),
};

export type FindArgs = ParsedArgs<typeof flags>;

export const findDefinition = defineCommand({
  name: 'find',
  synopsis: 'find WALK [options] [EXPRESSION]',
  summary: "GNU find's expression language over a walk",
  description: `Runs GNU find's expression over the entries of a walk instead of the live tree,
printing what find would print for the walk's root argument (find DIR vs find DIR/).
The expression follows the walk and this command's own --flags; from its first
other word on, everything is the expression (so -name --help looks for '--help').

Tests:    -type [bcdpfls] (a,b lists)  -name -iname -path -ipath PATTERN  -regex
          -iregex RE  -size [+-]N[bcwkMG]  -empty  -mtime -atime -ctime [+-]N
          -mmin -amin -cmin [+-]N  -newermt DATE  -user -group NAME|ID  -uid -gid
          [+-]N  -nouser -nogroup  -links -inum [+-]N  -perm [-/]MODE  -true -false
Operators: ( EXPR )  ! EXPR  -not EXPR  EXPR [-a] EXPR  EXPR -o EXPR  EXPR , EXPR
Options:  -mindepth N  -maxdepth N  -depth  -regextype emacs
Actions:  -print (implied when there is none)  -print0  -printf FORMAT

As find computes them, but from the walk: times count back from the walk's start
(its manifest), not from now, with find's rounding (-mtime N: more than N and at
most N+1 days ago; +N: more than N+1 days; -N: less than N days and one second;
-mmin N: more than N-1 and at most N minutes), over whole seconds (a walk records
no fractions); sizes round up to the unit (-size -1M is only the empty files).
Names, paths and patterns are bytes, as find matches them with LC_ALL=C. -regex is
find's default (emacs) dialect: . * + ? [set] [^set] \\( \\) \\| \\1-\\9 \\w \\W \\b \\B \\< \\>
and ^ $ at the ends; no {m,n} and no [:classes:] (as in find). -newermt takes
@SECONDS or YYYY-MM-DD[ HH:MM[:SS]] (local time unless it ends in Z or +HH:MM).
-empty: an empty file, or a directory with no entry in the walk (a directory the
walk could not read, or did not read past its --max-depth, is not empty).
-printf: %p %P %f %h %H %s %k %b %m %M %u %g %U %G %i %n %d %D %y %% with
-, width and .precision; %t %a %c and %Tk %Ak %Ck for k in @ H I k l M p r S T X +
a A b B c d D F h j m U u w W x y Y z; escapes \\n \\t \\0 \\\\ \\a \\b \\f \\r \\v \\c \\NNN.
%l %Y %F %S need what a walk does not record and are refused, as are directives
and escapes find itself would only warn about. An expression find would reject is
rejected in find's words (exit 2).`,
  operands: { min: 1, max: 1, tooFew: 'give one walk folder: pwalk-ts find WALK [EXPRESSION]' },
  rawOperands: true,
  flags,
  check(args) {
    if (args.json && args.rawOperands.some((word) => word === '-print0' || word === '-printf')) {
      throw new UsageError('--json prints each entry acted on as JSON: leave out -print0 and -printf');
    }
  },
  epilogue: `Exit codes: 0 ok; 1 the walk read is incomplete or damaged (what it holds is
searched); 2 usage error (the expression included) or fatal error.
`,
  load: () => import('../commands/find.js'),
});
