import type { BudgetAnswer, BudgetRequest, CallBudgetBackend } from '../../platforms/http/call-budget.js';
import type { Db } from '../store/index.js';

const SECOND = 1_000;
const HOUR = 3_600_000;

/** The scopes one call counts against. */
export function budgetScopes(platform: string, tenant: string) {
  return {
    slots: `${platform}:t:${tenant}`,
    tenantSeconds: `${platform}:t:${tenant}:s`,
    tenantHours: `${platform}:t:${tenant}:h`,
    appSeconds: `${platform}:app:s`,
  };
}

/**
 * Shared call budgets in the service's own database (tables of migration 7), for SQLite and
 * PostgreSQL alike. Windows are counted in buckets (one second for the minute windows, one hour
 * for the day) and a call is admitted only when the buckets that any 60-second (24-hour) window
 * ending at it could reach hold fewer than the limit, so no window ever exceeds it, at the cost
 * of up to one bucket of capacity. Each admission is one transaction: on PostgreSQL under a
 * transaction-scoped advisory lock per vendor (per tenant when the vendor has no app limit), on
 * SQLite under the database's write lock (`BEGIN IMMEDIATE`), so instances never both take the
 * last call. In-flight slots carry an expiry, so a process that dies mid-call gives its slots
 * back after `slotTtlMs`.
 */
export function createSqlCallBudget(db: Db): CallBudgetBackend {
  return {
    async tryStart(request: BudgetRequest): Promise<BudgetAnswer> {
      const { policy, now } = request;
      const scopes = budgetScopes(request.platform, request.tenant);
      const second = Math.floor(now / SECOND);
      const hour = Math.floor(now / HOUR);
      // A scope that is not limited is looked up under a name no row has.
      const appScope = policy.appPerMinute !== undefined ? scopes.appSeconds : '';
      const dayScope = policy.perDay !== undefined ? scopes.tenantHours : '';
      return db.transaction(async (tx) => {
        if (tx.dialect === 'postgres') {
          const lockKey = `commerce-sync:budget:${appScope ? request.platform : scopes.slots}`;
          await tx.query('SELECT pg_advisory_xact_lock(hashtext(current_schema() || $1))', [lockKey]);
        }
        const rows = await tx.query<{ scope: string; bucket: unknown; calls: unknown }>(
          `SELECT CAST('' AS TEXT) AS scope, 0 AS bucket, COUNT(*) AS calls FROM call_budget_slots WHERE scope = $1 AND expires_at > $2
           UNION ALL
           SELECT scope, bucket, calls FROM call_budget_counts
            WHERE (scope = $3 AND bucket >= $4) OR (scope = $5 AND bucket >= $6) OR (scope = $7 AND bucket >= $8)`,
          [scopes.slots, now, scopes.tenantSeconds, second - 60, appScope, second - 60, dayScope, hour - 24],
        );
        let inFlight = 0;
        const sums = new Map<string, { calls: number; oldest: number }>();
        for (const row of rows) {
          const calls = Number(row.calls);
          if (row.scope === '') {
            inFlight = calls;
            continue;
          }
          const bucket = Number(row.bucket);
          const sum = sums.get(row.scope) ?? { calls: 0, oldest: Number.POSITIVE_INFINITY };
          sum.calls += calls;
          if (calls > 0) sum.oldest = Math.min(sum.oldest, bucket);
          sums.set(row.scope, sum);
        }
        const full = (scope: string, limit: number | undefined) => {
          const sum = sums.get(scope);
          return limit !== undefined && sum !== undefined && sum.calls >= limit ? sum : null;
        };
        // The oldest bucket leaves every window 61 seconds (25 hours) after it began.
        const day = full(dayScope, policy.perDay);
        if (day) return { granted: false, limit: 'day', retryAfterMs: (day.oldest + 25) * HOUR - now };
        if (inFlight >= policy.maxConcurrent) return { granted: false, limit: 'concurrent', retryAfterMs: 100 };
        const minute = full(scopes.tenantSeconds, policy.perMinute);
        if (minute) return { granted: false, limit: 'minute', retryAfterMs: (minute.oldest + 61) * SECOND - now };
        const app = full(appScope, policy.appPerMinute);
        if (app) return { granted: false, limit: 'app', retryAfterMs: (app.oldest + 61) * SECOND - now };

        const counted: [string, number][] = [[scopes.tenantSeconds, second]];
        if (appScope) counted.push([appScope, second]);
        if (dayScope) counted.push([dayScope, hour]);
        await tx.execute(
          `INSERT INTO call_budget_counts (scope, bucket, calls) VALUES ${counted.map((_, i) => `($${2 * i + 1}, $${2 * i + 2}, 1)`).join(', ')}
           ON CONFLICT (scope, bucket) DO UPDATE SET calls = call_budget_counts.calls + 1`,
          counted.flat(),
        );
        await tx.execute('INSERT INTO call_budget_slots (slot_id, scope, expires_at) VALUES ($1, $2, $3)', [request.slotId, scopes.slots, now + request.slotTtlMs]);
        // Buckets no window can reach any more, and lapsed slots: swept now and then, not on every call.
        if (Math.random() < 1 / 16) {
          await tx.execute(
            `DELETE FROM call_budget_counts WHERE (scope = $1 AND bucket < $2) OR (scope = $3 AND bucket < $4) OR (scope = $5 AND bucket < $6)`,
            [scopes.tenantSeconds, second - 60, appScope, second - 60, dayScope, hour - 24],
          );
          await tx.execute('DELETE FROM call_budget_slots WHERE scope = $1 AND expires_at <= $2', [scopes.slots, now]);
        }
        return { granted: true };
      });
    },
    async release(_platform: string, _tenant: string, slotId: string): Promise<void> {
      await db.execute('DELETE FROM call_budget_slots WHERE slot_id = $1', [slotId]);
    },
  };
}
