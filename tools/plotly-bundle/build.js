// Builds assets/vendor/plotly-board.min.js: plotly.js's core with only the trace types the board draws (traces.json),
// bundled with the settings of plotly.js's own esbuild-config.js for the same release. The full bundle is 4.8 MB and
// every page with a figure paid for parsing and starting all of its 50 trace types; see README.md here.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const traces = JSON.parse(fs.readFileSync(path.join(__dirname, 'traces.json'), 'utf8'));
const version = require('plotly.js/package.json').version;
const out = path.resolve(__dirname, '..', '..', 'assets', 'vendor');
const entry = [
    "'use strict';",
    "var Plotly = require('plotly.js/lib/core');",
    // scatter is in core; registering it again is harmless and keeps the list the whole truth
    `Plotly.register([${traces.map((t) => `require('plotly.js/lib/${t}')`).join(', ')}]);`,
    'module.exports = Plotly;',
].join('\n');

esbuild
    .build({
        stdin: { contents: entry, resolveDir: __dirname, sourcefile: 'plotly-board.js' },
        outfile: path.join(out, 'plotly-board.min.js'),
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        legalComments: 'eof',
        plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'info',
    })
    .then(() => {
        const manifest = { 'plotly.js': version, traces };
        fs.writeFileSync(path.join(out, 'plotly-board.json'), JSON.stringify(manifest, null, 2) + '\n');
    })
    .catch(() => process.exit(1));
