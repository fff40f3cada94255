import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG } from './config/config.module';
import type { AppConfig } from './config/config.types';
import { createHmac } from 'node:crypto';
import { KeyedHash } from './crypto/keyed-hash';
import { Lifecycle } from './lifecycle/lifecycle';
import { CursorCodec } from './pagination/cursor';
import { Metrics } from './metrics/metrics';
import { Readiness } from './health/readiness';

/** Cross-cutting providers every feature module may inject. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    Lifecycle,
    Metrics,
    Readiness,
    {
      provide: CursorCodec,
      inject: [APP_CONFIG],
      // A key of its own, derived so that cursors never verify as anything else.
      useFactory: (config: AppConfig) =>
        new CursorCodec(createHmac('sha256', config.sessionSecrets[0]).update('didhub:cursor-key').digest('base64')),
    },
    { provide: KeyedHash, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new KeyedHash(config.apiKeyPepper) },
  ],
  exports: [CursorCodec, KeyedHash, Lifecycle, Metrics, Readiness],
})
export class CommonModule {}
