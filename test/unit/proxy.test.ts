// Requests go through a proxy from the caller or HTTPS_PROXY, and straight to hosts listed in NO_PROXY.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { RunComfyClient } from '../../src/api/client';
import { createDispatcher, proxyFromEnvironment } from '../../src/api/http';
import { type Emulator, startEmulator } from '../emulator/server';

/** A minimal CONNECT proxy that records which targets it tunnelled to. */
async function startProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('proxy support', () => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeEach(async () => {
    emulator = await startEmulator();
    proxy = await startProxy();
  });
  afterEach(async () => {
    await emulator.close();
    await proxy.close();
  });

  it('reads HTTPS_PROXY / https_proxy / NO_PROXY, and an explicit proxy URL wins', () => {
    assert.equal(proxyFromEnvironment({ env: {} }), undefined);
    assert.deepEqual(proxyFromEnvironment({ env: { https_proxy: 'http://p:1', NO_PROXY: 'a.com' } }), {
      httpProxy: 'http://p:1',
      httpsProxy: 'http://p:1',
      noProxy: 'a.com',
    });
    assert.equal(proxyFromEnvironment({ proxyUrl: 'http://mine:2', env: { HTTPS_PROXY: 'http://p:1' } })?.httpsProxy, 'http://mine:2');
  });

  it('tunnels API calls through the proxy the caller passes in', async () => {
    const dispatcher = createDispatcher({ proxyUrl: proxy.url, env: {} });
    const client = new RunComfyClient({ baseUrl: emulator.baseUrl, token: () => 'tok', dispatcher });
    const meta = await client.model();
    assert.ok(meta.model_id);
    const host = new URL(emulator.baseUrl).host;
    assert.deepEqual([...new Set(proxy.targets)], [host]);
    await dispatcher.close();
  });

  it('goes straight to a host listed in NO_PROXY', async () => {
    const dispatcher = createDispatcher({ env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    const client = new RunComfyClient({ baseUrl: emulator.baseUrl, token: () => 'tok', dispatcher });
    await client.model();
    assert.deepEqual(proxy.targets, []);
    assert.equal(emulator.stats.modelReads, 1);
    await dispatcher.close();
  });
});
