// tsc compiles the TypeScript; n8n also needs each node's icons and codex (.node.json) beside the built .node.js.
const { src, dest } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.build = copyNodeAssets;
exports.default = copyNodeAssets;
