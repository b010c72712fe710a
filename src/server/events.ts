import { WebhookEventSchema, type WebhookEventInput } from '../contract/webhooks.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { WebhookSqlExecutor } from '../webhooks/sql-store.js';
import type { Store } from './store/index.js';

/**
 * Where the service reports state changes partners subscribe to (webhook events). `emit`
 * takes the transaction the change is written in, so the event commits or rolls back with it.
 */
export interface ServiceEvents {
  emit(event: WebhookEventInput & { id: string }, tx?: Store): Promise<void>;
}

/** Events go nowhere (no webhook endpoints configured). */
export const NO_EVENTS: ServiceEvents = { emit: async () => undefined };

/**
 * Events through the webhook outbox. An event that fails the contract is logged and dropped
 * instead of thrown: a malformed notification must never undo the sync state it describes.
 */
export function webhookEvents(dispatcher: WebhookDispatcher<WebhookSqlExecutor>, now: () => Date): ServiceEvents {
  return {
    async emit(event, tx) {
      const createdAt = event.createdAt ?? now().toISOString();
      const checked = WebhookEventSchema.safeParse({ ...event, createdAt });
      if (!checked.success) {
        console.error(`Webhook event ${event.id} dropped, it does not match the contract: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return;
      }
      await dispatcher.enqueue({ ...event, createdAt }, tx ? { tx: tx.db } : {});
    },
  };
}
