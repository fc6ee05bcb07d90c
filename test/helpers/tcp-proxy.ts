import net from 'node:net';

/** A TCP proxy between a client and a server that can stop forwarding without closing anything. */
export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /**
   * `true`: every byte in either direction is dropped from now on, while every socket stays
   * open — to the client the server has gone silent (a partition, a black-holed route).
   * `false`: forwarding resumes (bytes dropped meanwhile stay lost).
   */
  blackhole(on: boolean): void;
  /** How many client connections are open through the proxy. */
  readonly openConnections: number;
  /** Closes the listener and every connection through it. */
  close(): Promise<void>;
}

/** Starts a {@link TcpProxy} on an ephemeral port of 127.0.0.1 forwarding to `target`. */
export async function startTcpProxy(target: { readonly host: string; readonly port: number }): Promise<TcpProxy> {
  let silent = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const forward = (to: net.Socket) => (chunk: Buffer) => {
      if (!silent && !to.destroyed) to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const closeBoth = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    blackhole(on: boolean) {
      silent = on;
    },
    get openConnections() {
      return pairs.size;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
