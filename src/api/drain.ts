import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';

export interface Drain {
  /**
   * Stops accepting connections, lets the requests in flight finish, and resolves once every
   * connection is gone. Connections still open after `graceMs` are cut.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * How long a kept-alive connection with no request on it stays open after the server stops
 * listening. A client may be sending its next request on it this very moment; cutting it at once
 * would reset that request. Anything arriving meanwhile is answered and its connection then closed.
 */
const IDLE_LINGER_MS = 1_000;

/** Watches a server's requests so that it can be closed without cutting any answer short. */
export function drainable(server: Server): Drain {
  const open = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_request, response: ServerResponse) => {
    // Served, and then the connection closes: the client opens its next one elsewhere (or is refused).
    if (closing && !response.headersSent) response.setHeader('Connection', 'close');
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  return {
    async close(graceMs) {
      closing = true;
      for (const response of open) if (!response.headersSent) response.setHeader('Connection', 'close');
      // The plain TCP close stops listening; http's own close would also cut idle connections at once.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      // Timers run before the loop polls the sockets: after a long synchronous stretch (PGlite runs
      // in this thread), a request that arrived meanwhile is still unread when the timer fires, and
      // its connection looks idle. One poll first (setImmediate runs after it) lets such requests
      // start, so only connections that are truly idle are closed, not reset under a request.
      let lingerPoll: NodeJS.Immediate | null = null;
      const linger = setTimeout(() => (lingerPoll = setImmediate(() => server.closeIdleConnections())), Math.min(IDLE_LINGER_MS, graceMs));
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearTimeout(linger);
        if (lingerPoll) clearImmediate(lingerPoll);
        clearTimeout(cut);
      }
    },
  };
}
