import { Injectable } from '@nestjs/common';

/** Process-wide run state: once draining, readiness and new requests answer 503. */
@Injectable()
export class Lifecycle {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
  }
}
