import type { EndpointTx } from './webhook-endpoints.repository';

/**
 * What delivery does when an endpoint changes state, implemented by webhook-deliveries (which
 * depends on this folder, so this folder calls it through the port, never by import).
 */
export abstract class WebhookEndpointHooks {
  /** A disabled endpoint was enabled again: what it missed is due now (same transaction). */
  abstract reenabled(tx: EndpointTx, endpointId: string): Promise<void>;
}
