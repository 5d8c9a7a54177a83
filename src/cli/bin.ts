// The executable's entry point (bundled to dist/kube-residue.cjs).
import { main } from './main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
