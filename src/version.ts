/** The package version, as the CLI and reports state it (kept equal to package.json). */
export const VERSION = '0.1.0';
