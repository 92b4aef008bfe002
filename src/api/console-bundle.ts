import path from 'node:path';

/** The browser console's source entry; present in a checkout, absent from a production image. */
export const CONSOLE_SOURCE_ENTRY = path.resolve(__dirname, '../console/main.ts');

export interface ConsoleBundle {
  js: string;
  css: string;
}

/**
 * Bundles the console (TypeScript + CSS, no framework) with esbuild into one script and one
 * stylesheet. Used by `npm run build` to write dist/console and by a source checkout on first
 * request; esbuild is loaded only then, so a production process never needs it.
 */
export async function bundleConsole(): Promise<ConsoleBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [CONSOLE_SOURCE_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    tsconfig: path.resolve(path.dirname(CONSOLE_SOURCE_ENTRY), 'tsconfig.json'),
    outdir: 'console',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const output = (extension: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(extension));
    if (!file) throw new Error(`The console bundle has no ${extension} output`);
    return file.text;
  };
  return { js: output('.js'), css: output('.css') };
}
