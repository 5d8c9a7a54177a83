// Where the suite runs, for tests that skip what this machine lacks: on CI (CI=true) a missing tool is an error,
// except the container runtimes while test/without-runtime-packages.sh hides them on purpose.

export const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** Set by test/without-runtime-packages.sh: the runtime packages are hidden, so their tests skip even on CI. */
export const RUNTIME_PACKAGES_HIDDEN = process.env['KR_WITHOUT_RUNTIME_PACKAGES'] === '1';
