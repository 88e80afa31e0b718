import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { isAllowedOrigin } from './origin';

export interface VigilIoAdapterOptions {
  allowedOrigins: readonly string[];
  /** socket.io adapter (Redis streams) for several api instances; in-memory when absent. */
  adapter?: ServerOptions['adapter'];
  /** Called when the app closes, e.g. to quit the Redis client. */
  onDispose?: () => Promise<void>;
}

/**
 * socket.io server settings: the handshake is refused unless its Origin is allowed (cross-site
 * WebSocket hijacking), connection-state recovery on, and the Redis adapter when configured.
 */
export class VigilIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly settings: VigilIoAdapterOptions,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const allowed = this.settings.allowedOrigins;
    return super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      cors: { origin: [...allowed], credentials: true },
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, success: boolean) => void,
      ) => {
        const ok = isAllowedOrigin(req.headers, allowed);
        callback(ok ? null : 'origin not allowed', ok);
      },
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
      ...(this.settings.adapter ? { adapter: this.settings.adapter } : {}),
    }) as Server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await this.settings.onDispose?.();
  }
}
