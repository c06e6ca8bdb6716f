// Preloaded (NODE_OPTIONS=--require) into the benchmark's n8n only: n8n's built-in WhatsApp nodes
// call graph.facebook.com and its HubSpot node api.hubapi.com, both hard-coded, so this resolves
// those hosts to loopback, where the benchmark serves a stand-in over TLS. Nothing else is redirected, and the machine is not touched.
const dns = require('node:dns');

const REDIRECTED = new Set(['graph.facebook.com', 'api.hubapi.com']);
const answer = (options) => {
	const all = typeof options === 'object' && options !== null && options.all;
	return all ? [{ address: '127.0.0.1', family: 4 }] : ['127.0.0.1', 4];
};

const lookup = dns.lookup;
const redirected = (hostname) => REDIRECTED.has(String(hostname).toLowerCase().replace(/\.$/, ''));

dns.lookup = function (hostname, options, callback) {
	if (!redirected(hostname)) return lookup.apply(this, arguments);
	const done = typeof options === 'function' ? options : callback;
	const result = answer(typeof options === 'function' ? {} : options);
	process.nextTick(() =>
		Array.isArray(result[0]) || typeof result[0] === 'object'
			? done(null, result)
			: done(null, ...result),
	);
};

const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function (hostname, options) {
	if (!redirected(hostname)) return promisesLookup.apply(this, arguments);
	const result = answer(options);
	return Array.isArray(result[0]) || typeof result[0] === 'object'
		? result
		: { address: result[0], family: result[1] };
};
