import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DatabaseHandle } from './database';

/** The project's lib (ES2023, no DOM) has no WebAssembly declarations; this is all we use. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: Promise<void> | null = null;

/**
 * The package's main entry imports the .wasm as an ES module, which Node cannot load, so the
 * module is instantiated here once per process against the generated JS bindings.
 */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const module = new wasmApi.Module(await readFile(wasmPath));
    const imports: Record<string, unknown> = { ...bindings };
    for (const name of Object.keys(imports)) {
      // The engine arms timers it never clears; unref'd, they cannot keep a CLI or Jest alive.
      if (name.startsWith('__wbg_setTimeout_')) {
        imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
      }
    }
    const instance = new wasmApi.Instance(module, { './schema_engine_bg.js': imports });
    const exports = instance.exports as unknown as { __wbindgen_start(): void };
    bindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return loaded;
}

/** A fresh engine over the handle's migration adapter, freed after `fn` whatever happens. */
export async function withSchemaEngine<T>(handle: DatabaseHandle, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  await loadWasm();
  return handle.withMigrationAdapter(async (factory) => {
    const engine = await bindings.SchemaEngine.new(
      { datamodels: undefined },
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  });
}

/** Engine errors arrive as Error objects or JSON-ish payloads; make them readable. */
export function engineErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const payload = error as { message?: unknown; error?: unknown };
    if (typeof payload.message === 'string') return payload.message;
    if (typeof payload.error === 'string') return payload.error;
    return JSON.stringify(error);
  }
  return String(error);
}
