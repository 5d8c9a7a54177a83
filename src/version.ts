import pkg from '../package.json' with { type: 'json' };

declare const __KR_BUILD_COMMIT__: string | undefined;

export const toolVersion: string = pkg.version;

/** The git commit the bundle was built from (set by src/build/build.mjs); undefined when run from the sources. */
export const buildCommit: string | undefined = typeof __KR_BUILD_COMMIT__ !== 'undefined' && __KR_BUILD_COMMIT__ !== '' ? __KR_BUILD_COMMIT__ : undefined;
