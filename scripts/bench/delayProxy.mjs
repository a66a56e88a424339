/**
 * A loopback JSON-RPC proxy for the benchmark: every HTTP request waits a fixed delay before it is
 * forwarded, so a local anvil costs what a hosted endpoint's round trip costs, and every request and
 * JSON-RPC call is counted (a batch body is one request carrying N calls). The counts are what tell a
 * run that batches from one that does not; the delay is what makes the difference show in wall time.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * @param {string} target an http loopback URL (anvil)
 * @param {{ delayMs: number }} options
 */
export async function startDelayProxy(target, { delayMs }) {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(upstream.hostname)) {
    throw new Error(`delay proxy: target must be an http loopback URL, got ${target}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set();
  let requests = 0;
  let calls = 0;
  /** Each request's JSON-RPC methods, in arrival order: what explains a count that grew. */
  const log = [];

  /** Forwards one body and pipes the answer back unchanged. */
  function forward(body, response) {
    const outgoing = httpRequest(
      upstream,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, {
          'content-type': answer.headers['content-type'] ?? 'application/json',
        });
        answer.pipe(response);
      },
    );
    outgoing.once('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
      response.end(
        '{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"delay proxy: upstream down"}}',
      );
    });
    outgoing.end(body);
  }

  const server = createServer(async (request, response) => {
    requests += 1;
    const chunks = [];
    let size = 0;
    for await (const chunk of request) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413).end();
        request.socket.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    try {
      const parsed = JSON.parse(body.toString());
      const list = Array.isArray(parsed) ? parsed : [parsed];
      calls += list.length;
      log.push(list.map((call) => String(call?.method)));
    } catch {
      // Not JSON-RPC: counted as a request, forwarded as it is (the node answers with its own error).
    }
    setTimeout(() => forward(body, response), delayMs);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Requests and calls so far; subtract two snapshots to count one process's traffic. */
    stats: () => ({ requests, calls, logged: log.length }),
    /** The methods of the requests logged since a stats() snapshot's `logged`. */
    methodsSince: (logged) => log.slice(logged),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}
