import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { NoAnswerError, requestText } from '../../src/dingtalk/request-text.js';

type Handler = (request: IncomingMessage, response: ServerResponse, served: number) => void;

interface TestServer {
  url: string;
  /** Connections the server accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A loopback server; `served` counts the requests already answered on the same connection. */
async function serve(handler: Handler): Promise<TestServer> {
  const perSocket = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((request, response) => {
    const served = perSocket.get(request.socket) ?? 0;
    perSocket.set(request.socket, served + 1);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      (request as IncomingMessage & { body: string }).body = body;
      handler(request, response, served);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/robot/sendBySession`,
    connections: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const post = (url: string, body: unknown, timeoutMs = 2_000) =>
  requestText(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, timeoutMs);

const requests = suite('JSON requests to DingTalk over kept-alive sockets');

requests('sends the body and reads the status and the whole answer, reusing one connection', async () => {
  const server = await serve((request, response) => {
    const { text } = JSON.parse((request as IncomingMessage & { body: string }).body) as { text: string };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ errcode: 0, echoed: text, length: request.headers['content-length'] }));
  });
  try {
    for (const text of ['办事指南', '一次办']) {
      const answer = await post(server.url, { text });
      assert.is(answer.status, 200);
      assert.equal(JSON.parse(answer.text), { errcode: 0, echoed: text, length: String(Buffer.byteLength(JSON.stringify({ text }))) });
    }
    assert.is(server.connections(), 1);
  } finally {
    await server.close();
  }
});

requests('sends a request again on a new connection when the kept-alive one was closed under it', async () => {
  // The second request on a connection finds it reset, as when the server's keep-alive timeout struck just then.
  const server = await serve((request, response, served) => {
    if (served > 0) return request.socket.destroy();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"errcode":0}');
  });
  try {
    assert.is((await post(server.url, { n: 1 })).status, 200);
    assert.is((await post(server.url, { n: 2 })).status, 200);
    assert.is(server.connections(), 2);
  } finally {
    await server.close();
  }
});

requests('gives up with NoAnswerError when no answer comes in time, and when the answer breaks off', async () => {
  const server = await serve((request, response) => {
    if (request.url?.endsWith('silent')) return; // never answers
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    response.write('{"errcode":');
    setImmediate(() => request.socket.destroy());
  });
  try {
    const silent = await post(`${server.url}?silent`, {}, 50).catch((error: unknown) => error);
    assert.instance(silent, NoAnswerError);
    assert.match((silent as Error).message, /no answer within 50 ms/);
    const broken = await post(server.url, {}).catch((error: unknown) => error);
    assert.instance(broken, NoAnswerError);
  } finally {
    await server.close();
  }
});

requests('refuses a connection nobody listens on with NoAnswerError', async () => {
  const server = await serve(() => {});
  const { url } = server;
  await server.close();
  const refused = await post(url, {}).catch((error: unknown) => error);
  assert.instance(refused, NoAnswerError);
  assert.match((refused as Error).message, /ECONNREFUSED/);
});

requests.run();
