import path from 'node:path';

/** The browser code of one page the API serves: one script and one stylesheet. */
export interface BrowserBundle {
  js: string;
  css: string;
}

/**
 * A page's browser code: its source entry (present in a checkout, absent from a production image)
 * and the folder `npm run build` writes its bundle to (dist/<name>, beside dist/src).
 */
export interface BrowserEntry {
  name: string;
  sourceEntry: string;
  buildDir: string;
}

const entry = (name: string, source: string): BrowserEntry => ({
  name,
  sourceEntry: path.resolve(__dirname, '..', source),
  buildDir: path.resolve(__dirname, '../..', name),
});

/** The dispatch console. */
export const CONSOLE_ENTRY = entry('console', 'console/main.ts');
/** The public tracking page's live updates. */
export const TRACKING_ENTRY = entry('tracking', 'tracking/browser/main.ts');
export const BROWSER_ENTRIES: readonly BrowserEntry[] = [CONSOLE_ENTRY, TRACKING_ENTRY];

/** The file names of an entry's bundle in its build folder. */
export const builtFiles = (of: BrowserEntry) => ({ js: `${of.name}.js`, css: `${of.name}.css` });

/** Browser code is type-checked with the DOM library by this project, not the server's. */
const BROWSER_TSCONFIG = path.resolve(__dirname, '../console/tsconfig.json');

/**
 * Bundles an entry (TypeScript + CSS, no framework) with esbuild into one script and one
 * stylesheet. Used by `npm run build` to write dist/<name> and by a source checkout on first
 * request; esbuild is loaded only then, so a production process never needs it.
 */
export async function bundleBrowserCode(of: BrowserEntry): Promise<BrowserBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [of.sourceEntry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    tsconfig: BROWSER_TSCONFIG,
    outdir: of.name,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const output = (extension: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(extension));
    if (!file) throw new Error(`The ${of.name} bundle has no ${extension} output`);
    return file.text;
  };
  return { js: output('.js'), css: output('.css') };
}
