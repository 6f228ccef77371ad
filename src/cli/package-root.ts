// The package's own directory, found from this module's place: two levels up in src/cli under
// tsx, one level up in dist/ where the bundle puts every chunk beside cli.js. A fixed '../..'
// from import.meta would point outside the package once bundled.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'aiops-tui';

/** The nearest directory at or above `from` whose package.json is aiops-tui's. */
export function packageRoot(from: string = import.meta.dirname): string {
  for (let at = from; ; at = dirname(at)) {
    const manifest = join(at, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
    )
      return at;
    if (dirname(at) === at) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}
