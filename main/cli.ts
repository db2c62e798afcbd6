// The `sandbox-studio` command (bundled to dist/main/cli.mjs; bin/sandbox-studio.mjs imports it).
import { runCli } from './cli/run-cli';

// `sandbox-studio learn --json ... | head`: a closed stdout ends the CLI quietly. The run's
// processes die with it (the launcher's parent-death signal and the run's cgroup).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2));
// Exit explicitly (a run may leave idle handles behind), but only once our output is written.
await Promise.all([drain(process.stdout), drain(process.stderr)]);
process.exit(code);

function drain(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => stream.write('', () => done()));
}
