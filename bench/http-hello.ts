import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * bench/http.ts's floor: a bare Nest 11 + express application with one route and no
 * middleware, answering the same body as the app's GET /v1/health. Whatever the app spends
 * above this is its own pipeline.
 */
@Controller()
class HelloController {
  @Get('hello')
  hello(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(HelloModule, { logger: ['error', 'warn'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
