import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { drainable } from '../../src/api/drain.js';

const test = suite('observability: draining a server');

/** Holds the thread, as a long synchronous stretch of PGlite does. */
function holdThread(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

test('a request sent on a kept-alive connection while the thread was busy is answered, not reset, when the idle linger ends', async () => {
  // Answered a turn later, as Koa answers: listeners added after this one still see the request first.
  const server = createServer((_request, response) => {
    setImmediate(() => {
      response.setHeader('Content-Type', 'text/plain');
      response.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const drain = drainable(server);
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let failure: string | null = null;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', (error: NodeJS.ErrnoException) => (failure = error.code ?? error.message));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const request = 'GET / HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n';
  socket.write(request);
  while (!received.includes('\r\n\r\nok')) await new Promise((resolve) => setTimeout(resolve, 5));

  const closed = drain.close(10_000);
  // The client's next request reaches the kernel, but the thread is busy past the 1 s linger. Held
  // in the loop's check phase, the next turn begins with timers: the linger timer runs while the
  // request is still unread.
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      socket.write(request);
      holdThread(1_300);
      resolve();
    }),
  );
  await closed;
  await ended;

  assert.is(failure, null, 'the connection was not reset');
  const answers = received.split('HTTP/1.1 200 OK').length - 1;
  assert.is(answers, 2, received);
  assert.match(received.slice(received.lastIndexOf('HTTP/1.1')), /connection: close/i);
});

test.run();
