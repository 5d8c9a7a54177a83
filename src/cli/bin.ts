// The executable's entry point (bundled to dist/kube-residue.cjs).
import { EXIT } from '../engine/exit-code.js';
import { installFatalHandlers } from './fatal.js';
import { main } from './main.js';

installFatalHandlers(process.argv);

// `kube-residue scan | head`: when the reader goes away, stop writing quietly; the exit code still comes from
// the scan, not from who read the output. Any other write error (a full disk, /dev/full) means the report was
// not delivered: exit 2 with one line, whichever of this handler and main() finishes first.
let stdoutFailed = false;
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
  if (!stdoutFailed) process.stderr.write(`kube-residue: cannot write to standard output: ${err.message}\n`);
  stdoutFailed = true;
  process.exitCode = EXIT.usage;
});

main(process.argv).then((code) => {
  process.exitCode = stdoutFailed ? EXIT.usage : code;
});
