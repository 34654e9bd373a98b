// Builds the one undici dispatcher the extension shares: a keep-alive pool, or a proxy agent from settings or HTTPS_PROXY/NO_PROXY.
import { Agent, Dispatcher, EnvHttpProxyAgent } from 'undici';

export interface DispatcherOptions {
  /** A proxy URL the caller chose (e.g. from VS Code's `http.proxy`); wins over the environment. */
  proxyUrl?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Connections per origin: a hard ceiling on sockets, so polling many jobs reuses a few. */
  connections?: number;
  connectTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 6;

export interface ProxyChoice {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** Which proxy (if any) applies, from an explicit URL first, then the usual environment variables. */
export function proxyFromEnvironment(options: Pick<DispatcherOptions, 'proxyUrl' | 'env'>): ProxyChoice | undefined {
  const env = options.env ?? process.env;
  const explicit = options.proxyUrl?.trim() || undefined;
  const httpsProxy = explicit ?? env.HTTPS_PROXY ?? env.https_proxy;
  const httpProxy = explicit ?? env.HTTP_PROXY ?? env.http_proxy ?? httpsProxy;
  if (!httpsProxy && !httpProxy) return undefined;
  return { httpProxy, httpsProxy: httpsProxy ?? httpProxy, noProxy: env.NO_PROXY ?? env.no_proxy ?? '' };
}

export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const poolOptions = {
    connections: options.connections ?? DEFAULT_POOL_SIZE,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
    connect: { timeout: options.connectTimeoutMs ?? 15_000 },
  };
  const proxy = proxyFromEnvironment(options);
  if (proxy) return new EnvHttpProxyAgent({ ...poolOptions, ...proxy });
  return new Agent(poolOptions);
}

/**
 * A dispatcher that always uses the current target, so long-lived users (the saver, the client) follow a proxy
 * change without being rebuilt.
 */
export class ForwardingDispatcher extends Dispatcher {
  constructor(private readonly target: () => Dispatcher) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.target().dispatch(options, handler);
  }

  override close(): Promise<void> {
    return Promise.resolve();
  }

  override destroy(): Promise<void> {
    return Promise.resolve();
  }
}
