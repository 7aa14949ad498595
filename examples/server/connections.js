// The service's connections: how long a request may take to arrive, and a shutdown that drains them
// up to a deadline. The time limits are Node's own (headersTimeout, requestTimeout), which cover a
// slow, short (below its Content-Length) or never-ending body; they are answered with a JSON 408.
'use strict';

const http = require('node:http');

// Node checks the time limits every connectionsCheckingInterval (30 s by default); a tenth of the
// shortest limit keeps the answer close to it.
const checkingInterval = (headersTimeoutMs) => Math.max(1, Math.min(1000, Math.floor(headersTimeoutMs / 10)));

function rawJsonResponse(status, message) {
  const body = JSON.stringify({ error: message });
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * An http.Server calling handle(request, response) for every request (Expect: 100-continue ones
 * too: the handler decides whether to ask for the body). answer(response, status, message) sends a
 * JSON error and, as every response sent while draining, closes its connection.
 */
function createLimitedServer(handle, { headersTimeoutMs, requestTimeoutMs, answer }) {
  const server = http.createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: checkingInterval(headersTimeoutMs),
  });
  const sockets = new Set();
  const owed = new Map(); // socket -> the response it owes, until sent

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      owed.delete(socket);
    });
  });
  const onRequest = (request, response) => {
    const { socket } = request;
    owed.set(socket, response);
    response.once('finish', () => {
      if (owed.get(socket) === response) owed.delete(socket);
    });
    handle(request, response);
  };
  server.on('request', onRequest);
  server.on('checkContinue', onRequest);

  server.on('clientError', (error, socket) => {
    const response = owed.get(socket);
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timedOut ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const message = timedOut
      ? `request timeout: the headers must arrive within ${headersTimeoutMs} ms and the whole request within ${requestTimeoutMs} ms`
      : `malformed HTTP request (${error.code})`;
    if (response && !response.headersSent) return answer(response, status, message, { closeConnection: true });
    if (response || !socket.writable) return socket.destroy();
    socket.end(rawJsonResponse(status, message), () => socket.destroy());
  });

  let drained = null;
  /**
   * Stops accepting connections and closes the idle ones; requests in flight, bodies still uploading
   * and requests whose headers were arriving included, have until the deadline to be answered. Then
   * those still owed get a 503 and every connection is closed. Resolves once none is left.
   */
  function drain(deadlineMs) {
    drained ??= (async () => {
      const stopped = new Promise((resolve) => server.close(() => resolve('stopped')));
      let timer;
      const deadline = new Promise((resolve) => { timer = setTimeout(resolve, deadlineMs, 'deadline'); });
      if (await Promise.race([stopped, deadline]) === 'deadline') {
        for (const socket of sockets) {
          const response = owed.get(socket);
          if (response && !response.headersSent) {
            answer(response, 503, `server shutting down: the request did not complete within the ${deadlineMs} ms drain deadline`);
          } else socket.destroy();
        }
      }
      clearTimeout(timer);
      await stopped;
    })();
    return drained;
  }

  return { server, drain, isDraining: () => drained !== null };
}

module.exports = { createLimitedServer };
