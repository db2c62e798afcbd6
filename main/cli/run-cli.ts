import { loadSupervisor, type StartSession } from '../backend/supervisor-loader';
import { studioVersion } from '../backend/version';
import { parseCliArgs } from './args';
import { auditCommand } from './audit-command';
import { exportCodeCommand } from './export-code-command';
import { exportCommand } from './export-command';
import { importCommand } from './import-command';
import { checkCommand } from './check-command';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from './cli-error';
import { processIo, type CliIo } from './cli-io';
import { asmCommand } from './asm-command';
import { compileCommand } from './compile-command';
import { decompileCommand } from './decompile-command';
import { disasmCommand } from './disasm-command';
import { learnCommand } from './learn-command';
import { lessonCommand } from './lesson-command';
import { lessonsCommand } from './lessons-command';
import type { LessonBuildOptions } from '../lessons/compile-lesson-target';
import { serveCommand } from './serve-command';
import { simulateCommand } from './simulate-command';
import { usageHint, usageText } from './usage';

export interface CliDeps {
  readonly io?: CliIo;
  readonly loadSupervisor?: () => Promise<StartSession>;
  /** serve: resolves when the server should stop (default: SIGINT or SIGTERM). */
  readonly shutdown?: () => Promise<unknown>;
  /** lesson: where sources, cache and compiler are (default: the project's, the user's, PATH). */
  readonly lessonBuild?: LessonBuildOptions;
}

/** Runs `sandbox-studio ARGS` and returns the exit code. User errors never show a stack trace. */
export async function runCli(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? processIo;
  const supervisor = deps.loadSupervisor ?? loadSupervisor;
  try {
    const command = parseCliArgs(argv);
    switch (command.kind) {
      case 'help':
        io.stdout(usageText(command.topic));
        return EXIT_OK;
      case 'version':
        io.stdout(`sandbox-studio ${studioVersion()}\n`);
        return EXIT_OK;
      case 'learn':
        return await learnCommand(command, io, supervisor);
      case 'check':
      case 'enforce':
        return await checkCommand(command, io, supervisor);
      case 'compile':
        return await compileCommand(command, io);
      case 'simulate':
        return await simulateCommand(command, io);
      case 'disasm':
        return await disasmCommand(command, io);
      case 'asm':
        return await asmCommand(command, io);
      case 'decompile':
        return await decompileCommand(command, io);
      case 'serve':
        return await serveCommand(command, io, deps.shutdown);
      case 'audit':
        return await auditCommand(command, io);
      case 'import':
        return await importCommand(command, io);
      case 'export':
        return await exportCommand(command, io);
      case 'export-code':
        return await exportCodeCommand(command, io);
      case 'lessons':
        return lessonsCommand(io);
      case 'lesson':
        return await lessonCommand(command, io, supervisor, deps.lessonBuild);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`sandbox-studio: ${error.message}\n${usageHint(error.command)}\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    io.stderr(`${error.message}\n`);
    return error.exitCode;
  }
  // Not the user's fault: say so, and keep the stack for bug reports when asked for.
  const detail =
    process.env.SANDBOX_STUDIO_DEBUG && error instanceof Error ? `\n${error.stack}` : '';
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`sandbox-studio: internal error: ${message}${detail}\n`);
  return EXIT_FAILURE;
}
