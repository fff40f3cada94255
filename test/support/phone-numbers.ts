import { randomInt } from 'node:crypto';

/**
 * Real-looking numbers of each kind, as the numbering plans assign them (the API reads country
 * and type from the number). A random start per process and a counter keep them unique across
 * suites that share one database.
 */
let next = randomInt(0, 1_000_000);
const serial = (digits: number): string => String(next++ % 10 ** digits).padStart(digits, '0');

export const phoneNumbers = {
  /** Berlin, +49 30 2xxx xxxx. */
  deLocal: (): string => `+49302${serial(7)}`,
  /** Munich, +49 89 2xxx xxxx. */
  deMunich: (): string => `+49892${serial(7)}`,
  /** Telekom mobile, +49 151 xxxx xxxx. */
  deMobile: (): string => `+49151${serial(8)}`,
  /** Freephone, +49 800 xxx xxxx. */
  deTollFree: (): string => `+49800${serial(7)}`,
  /** London, +44 20 7xxx xxxx. */
  gbLocal: (): string => `+44207${serial(7)}`,
  /** Paris, +33 1 xx xx xx xx. */
  frLocal: (): string => `+331${serial(8)}`,
  /** Non-geographic VoIP, +33 9 xx xx xx xx. */
  frNational: (): string => `+339${serial(8)}`,
  /** New York, +1 212 2xx xxxx. */
  usLocal: (): string => `+12122${serial(6)}`,
};
