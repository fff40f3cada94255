import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_LOGGER, createLogger } from '../logging/logger';
import type { AppConfig } from './config.types';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The validated configuration and the structured logger, injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, logger: Logger = createLogger(config)): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_LOGGER, useValue: logger },
      ],
      exports: [APP_CONFIG, APP_LOGGER],
    };
  }
}
