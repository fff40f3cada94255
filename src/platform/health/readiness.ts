import { Injectable } from '@nestjs/common';

/** `ok`; `degraded`: serving on a fallback (e.g. in-memory rate-limit counters); `not_configured`. */
export type ComponentState = 'ok' | 'degraded' | 'not_configured';

/**
 * What readiness reports besides the database: components register a state reader (the
 * rate-limit store for Redis). A degraded component does not make the instance unready —
 * it still serves, on its fallback — but the probe's body says so.
 */
@Injectable()
export class Readiness {
  private readonly components = new Map<string, () => ComponentState>();

  register(name: string, read: () => ComponentState): void {
    this.components.set(name, read);
  }

  states(): Record<string, ComponentState> {
    return Object.fromEntries([...this.components].map(([name, read]) => [name, read()]));
  }
}
