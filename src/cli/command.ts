/**
 * The shape every CLI subcommand has, so new ones slot into the table in `main.ts` with their
 * own options, usage and help, and share one argument parser and one error wrapper.
 */
import type { CliIo } from './io';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly default?: string | boolean;
  readonly multiple?: boolean;
  readonly description: string;
}

export interface CommandContext {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly io: CliIo;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * Its standard output is a document (a report) written byte for byte: the renderers made
   * every model string in it safe, and an inlined script must keep its hash. Every other
   * command's output is text for terminals and CI logs, made inert on the way out.
   */
  readonly writesDocuments?: boolean;
  /** Returns the exit code (see `EXIT`). */
  run(context: CommandContext): number | Promise<number>;
}
