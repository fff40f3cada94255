import http from 'node:http';
import https from 'node:https';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { HttpServerConfig } from '../../config/config.types';

/**
 * Nest's Express adapter with the server built to our limits: slow or idle clients lose their
 * socket (header, request and keep-alive timeouts, checked every second instead of Node's 30 s)
 * and connections past the cap are dropped before they cost a descriptor for long.
 */
export class LimitedExpressAdapter extends ExpressAdapter {
  constructor(private readonly limits: HttpServerConfig) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    const serverOptions: http.ServerOptions = {
      headersTimeout: this.limits.headersTimeoutMs,
      requestTimeout: this.limits.requestTimeoutMs,
      keepAliveTimeout: this.limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
    };
    const server = options.httpsOptions
      ? https.createServer({ ...options.httpsOptions, ...serverOptions, handshakeTimeout: this.limits.headersTimeoutMs }, this.getInstance())
      : http.createServer(serverOptions, this.getInstance());
    server.headersTimeout = this.limits.headersTimeoutMs;
    server.requestTimeout = this.limits.requestTimeoutMs;
    server.keepAliveTimeout = this.limits.keepAliveTimeoutMs;
    server.maxConnections = this.limits.maxConnections;
    this.httpServer = server;
  }
}
