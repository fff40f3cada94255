import http from 'node:http';
import https from 'node:https';
import { type NestApplicationOptions, StreamableFile } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import type { HttpServerConfig } from '../config/config.types';
import { answerClientError } from './client-error';

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
    server.on('clientError', answerClientError);
    this.httpServer = server;
  }

  /**
   * A handler's JSON object is serialised and written in one step, with the headers Express's
   * res.json() would set (Content-Type with charset, Content-Length). Express's send() on top
   * copies bodies over 1000 bytes into a Buffer and evaluates freshness for ETags this API does
   * not send. Anything else (no body, strings, streams, 204/205/304, a preset Content-Type or a
   * validator header) goes the usual way.
   */
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (body === null || typeof body !== 'object' || body instanceof StreamableFile || ArrayBuffer.isView(body) || body instanceof Error) {
      return super.reply(response, body, statusCode);
    }
    const status = statusCode ?? response.statusCode;
    if (status === 204 || status === 205 || status === 304 || response.hasHeader('content-type') || response.hasHeader('etag') || response.hasHeader('last-modified')) {
      return super.reply(response, body, statusCode);
    }
    const json = JSON.stringify(body);
    response.statusCode = status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(json));
    if (response.req.method === 'HEAD') response.end();
    else response.end(json);
    return response;
  }
}
