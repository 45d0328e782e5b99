/**
 * The `mltm` command line: one table of subcommands sharing an argument parser, help text and
 * an error wrapper that turns any unexpected failure into a message and exit code 2, never a
 * stack trace for a user's mistake.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command';
import { inertKeepingLines } from '../core/util/inert';
import { EXIT } from './exit';
import type { CliIo } from './io';
import { version } from '../../package.json';

/**
 * A subcommand, loaded only when it runs: `mltm --version` loads no command, `mltm analyze` only
 * what analysing needs (no report, layout or register code). The bundle (scripts/build.mjs)
 * keeps each command's code behind its `import()`, so start-up time does not grow with the
 * number of commands.
 */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<Command>;
}

/** Every subcommand, in the order `mltm --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', load: async () => (await import('./commands/validate')).validateCommand },
  { name: 'analyze', load: async () => (await import('./commands/analyze')).analyzeCommand },
  { name: 'plan', load: async () => (await import('./commands/plan')).planCommand },
  { name: 'sync', load: async () => (await import('./commands/sync')).syncCommand },
  { name: 'triage', load: async () => (await import('./commands/triage')).triageCommand },
  { name: 'diff', load: async () => (await import('./commands/diff')).diffCommand },
  { name: 'rename', load: async () => (await import('./commands/rename')).renameCommand },
  { name: 'report', load: async () => (await import('./commands/report')).reportCommand },
  { name: 'check', load: async () => (await import('./commands/check')).checkCommand },
  { name: 'import', load: async () => (await import('./commands/import')).importCommand },
];

/** Every subcommand, loaded (for `mltm --help` and the tests). */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map((entry) => entry.load()));
}

async function help(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `mltm ${version} — threat modeling for ML pipelines as code`,
    '',
    'Usage: mltm <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `mltm <command> --help` for a command's options.",
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const lines = [`${command.summary}.`, '', `Usage: ${command.usage}`, '', 'Options:'];
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = `--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    lines.push(
      `  ${flag.padEnd(24)} ${spec.description}${spec.default !== undefined && spec.default !== false ? ` (default: ${String(spec.default)})` : ''}`,
    );
  }
  lines.push(`  ${'--help'.padEnd(24)} show this help`, '');
  return lines.join('\n');
}

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(await help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`mltm: unknown command \`${name}\`.\n\n${await help()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(command.options).map(([key, spec]) => [
          key,
          {
            type: spec.type,
            ...(spec.short && { short: spec.short }),
            ...(spec.multiple && { multiple: true }),
            ...(spec.default !== undefined && { default: spec.default }),
          },
        ]),
      ) as Parameters<typeof parseArgs>[0] extends infer P
        ? P extends { options?: infer O }
          ? O
          : never
        : never,
    });
  } catch (error) {
    io.stderr(
      `mltm ${command.name}: ${error instanceof Error ? error.message : String(error)}\nUsage: ${command.usage}\n`,
    );
    return EXIT.usage;
  }
  // Control characters from models, registers, packs or file names never reach a terminal or a
  // CI log raw (ESC sequences, BEL, NUL, bidi overrides); commands also print each model string
  // through `inert`, so a newline in one cannot start a forged line.
  const safeIo: CliIo = {
    ...io,
    stdout: command.writesDocuments ? io.stdout : (text) => io.stdout(inertKeepingLines(text)),
    stderr: (text) => io.stderr(inertKeepingLines(text)),
  };
  try {
    return await command.run({
      positionals: parsed.positionals,
      values: parsed.values as CommandContextValues,
      io: safeIo,
    });
  } catch (error) {
    io.stderr(
      `mltm ${command.name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report this with the input that caused it.\n`,
    );
    return EXIT.usage;
  }
}

type CommandContextValues = Record<string, string | boolean | string[] | undefined>;

/** Entry of the `mltm` binary (`bin/mltm.js`): runs with the process's arguments and streams. */
export function main(): void {
  // A reader that closes the pipe early (`mltm analyze … | head`) has read enough: stop quietly
  // instead of dying on an unhandled EPIPE with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  void runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}
