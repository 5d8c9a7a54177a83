// Preloaded with `node --require` by test/audit/audit.test.ts: writes every module the process required (its
// require.cache at exit) to $KR_REQUIRE_LOG, so a test can prove what a command did and did not load.
const fs = require('node:fs');
process.on('exit', () => {
  fs.writeFileSync(process.env.KR_REQUIRE_LOG, `${Object.keys(require.cache).join('\n')}\n`);
});
