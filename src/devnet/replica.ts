/**
 * A second L2 endpoint for the devnet, like a venue's backup RPC: an HTTP JSON-RPC proxy in front of
 * the primary node. The `rpc-split` scenario turns it into a fork that mines its own blocks (a node
 * that has split from the sequencer); `healthy` joins it back. The scenario reaches it from another
 * process through two JSON-RPC methods the proxy answers itself: devnet_split and devnet_join.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AnvilNode, freePort, startAnvil } from './anvil.js';

export interface Replica {
  url: string;
  stop(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

function reply(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(payload));
}

export async function startReplica(options: {
  port: number;
  primaryUrl: string;
  chainId: number;
}): Promise<Replica> {
  let fork: AnvilNode | undefined;

  const control: Record<string, () => Promise<string>> = {
    devnet_split: async () => {
      if (!fork)
        fork = await startAnvil({
          port: await freePort(),
          chainId: options.chainId,
          forkUrl: options.primaryUrl,
        });
      return 'split';
    },
    devnet_join: async () => {
      await fork?.stop();
      fork = undefined;
      return 'joined';
    },
  };

  const server = createServer(async (request, response) => {
    const text = await body(request);
    try {
      const call = JSON.parse(text) as { id?: unknown; method?: string };
      const handler = !Array.isArray(call) && call.method ? control[call.method] : undefined;
      if (handler)
        return reply(response, 200, { jsonrpc: '2.0', id: call.id ?? null, result: await handler() });
    } catch {
      // not ours to judge: forward it and let the node answer
    }
    try {
      const upstream = await fetch(fork?.url ?? options.primaryUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' });
      response.end(await upstream.text());
    } catch {
      reply(response, 502, {
        jsonrpc: '2.0',
        id: null,
        error: { code: -32603, message: 'replica upstream unavailable' },
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    async stop() {
      await fork?.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
