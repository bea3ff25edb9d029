// The dmabuf-check checker (dist/cli-main.js, started by dist/cli.js): binds runCli to the real process.
import fs from 'node:fs';
import { prepareCli, runCli } from './run';
import pkg from '../../../package.json';

/**
 * Writes straight to the descriptor: creating process.stdout's stream costs several ms of a start.
 * A descriptor the parent made non-blocking can refuse a write (EAGAIN); the stream takes over then.
 */
function writer(fd: 1 | 2, stream: () => NodeJS.WriteStream): (s: string) => void {
  let direct = true;
  return (s) => {
    if (!direct) {
      stream().write(s);
      return;
    }
    const buf = Buffer.from(s, 'utf8');
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      direct = false;
      stream().write(buf.subarray(off));
    }
  };
}

void prepareCli(process.argv.slice(2), process.cwd()).then(() => {
  process.exitCode = runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: writer(1, () => process.stdout),
    stderr: writer(2, () => process.stderr),
    version: pkg.version,
  });
});
