// The dmabuf-check executable (dist/cli.js): binds runCli to the real process.
import { runCli } from './run';
import pkg from '../../../package.json';

const code = runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  version: pkg.version,
});
process.exitCode = code;
