import type { CommandDefinition, FlagDefinition } from './command-definition.js';

/** The flag as --help lists it: `-o, --output FILE`, `--no-cache`, `--format ndjson|csv|pwalk`. */
function flagLabel(name: string, f: FlagDefinition): string {
  const long = f.negated === true ? `--no-${name}` : `--${name}`;
  const short = f.short === undefined ? '' : `-${f.short}, `;
  return `${short}${long}${f.placeholder === undefined ? '' : ` ${f.placeholder}`}`;
}

/** Help lines under the label, the continuation lines indented to the same column. */
function flagHelp(f: FlagDefinition, column: number): string {
  const text = f.defaultText === undefined ? f.help : `${f.help} (default ${f.defaultText})`;
  return text.split('\n').join('\n' + ' '.repeat(column));
}

/** A command's --help, made from its definition. */
export function commandHelp(command: CommandDefinition): string {
  const rows = Object.entries(command.flags).map(([name, f]) => [flagLabel(name, f), f] as const);
  const width = Math.max(12, ...rows.map(([label]) => label.length));
  const column = 2 + width + 2;
  const options = rows.map(([label, f]) => `  ${label.padEnd(width)}  ${flagHelp(f, column)}\n`).join('');
  const epilogue = command.epilogue === undefined ? '' : `\n${command.epilogue}`;
  // A command without flags (browse) has no Options heading over nothing.
  const optionsPart = rows.length === 0 ? '' : `\nOptions:\n${options}`;
  return `Usage: pwalk-ts ${command.synopsis}\n\n${command.description}\n${optionsPart}${epilogue}`;
}

/** `pwalk-ts --help`: one line per command, from the same definitions. */
export function toolHelp(version: string, commands: readonly CommandDefinition[], epilogue: string): string {
  const width = Math.max(...commands.map((c) => c.synopsis.length));
  const lines = commands.map((c) => `  pwalk-ts ${c.synopsis.padEnd(width)}  ${c.summary}\n`).join('');
  return `pwalk-ts ${version}: parallel filesystem metadata walker\n\nUsage:\n${lines}\n${epilogue}`;
}
