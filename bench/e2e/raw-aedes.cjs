// A bare aedes broker (no auth, no hooks) in its own process, for the raw MQTT knee measurement: the
// same library Vigil embeds, without Vigil's work, and not sharing the load generator's event loop.
const { createServer } = require('node:net');
const Aedes = require('aedes');

const aedes = new Aedes();
const server = createServer(aedes.handle);
server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
process.on('message', (m) => {
  if (m.type === 'stop') aedes.close(() => server.close(() => process.exit(0)));
});
