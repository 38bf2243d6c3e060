// Preloaded (node --require) into the MCP servers the tests start: every server of the process listens on
// 127.0.0.1 only. server-everything listens on all interfaces and has no host setting; tests reach nothing
// beyond loopback, and a port free on 127.0.0.1 may be taken on another address by other processes.
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  if ((typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
