import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = path.resolve(__dirname, '../..');
const backend = 'http://127.0.0.1:3000';
const nhsukImages = path.join(root, 'node_modules/nhsuk-frontend/dist/nhsuk/assets/images');

/**
 * nhsuk-frontend's compiled CSS points at /assets/images/*.svg (absolute). Ship those files at that path
 * so icons resolve when the runtime serves the build, and serve them in dev too.
 */
function nhsukImagesPlugin(): Plugin {
  return {
    name: 'vigil-nhsuk-images',
    configureServer(server) {
      server.middlewares.use('/assets/images', (req, res, next) => {
        const name = path.basename((req.url ?? '').split('?')[0] ?? '');
        if (!readdirSync(nhsukImages).includes(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream');
        res.end(readFileSync(path.join(nhsukImages, name)));
      });
    },
    generateBundle() {
      for (const name of readdirSync(nhsukImages)) {
        this.emitFile({
          type: 'asset',
          fileName: `assets/images/${name}`,
          source: readFileSync(path.join(nhsukImages, name)),
        });
      }
    },
  };
}

// Only the shared (pure) libs are aliased: the console must never reach backend code.
export default defineConfig({
  root: __dirname,
  base: '/',
  plugins: [react(), nhsukImagesPlugin()],
  resolve: {
    alias: {
      '@vigil/contracts': path.join(root, 'libs/contracts/src/index.ts'),
      '@vigil/clinical': path.join(root, 'libs/clinical/src/index.ts'),
      '@vigil/alerting': path.join(root, 'libs/alerting/src/index.ts'),
      '@vigil/pathways': path.join(root, 'libs/pathways/src/index.ts'),
      '@vigil/questionnaires': path.join(root, 'libs/questionnaires/src/index.ts'),
    },
  },
  build: {
    outDir: path.join(root, 'dist/apps/console'),
    emptyOutDir: true,
    // The NHS and uPlot stylesheets ship minified; lightningcss rejects nhsuk's old IE media hacks.
    cssMinify: false,
  },
  server: {
    proxy: {
      '/api': { target: backend },
      '/socket.io': { target: backend, ws: true },
    },
  },
});
