// The executable's entry point (bundled to dist/kube-residue.cjs).
import { main } from './main.js';

// `kube-residue scan | head`: when the reader goes away, stop writing quietly; the exit code still comes from
// the scan, not from who read the output.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
