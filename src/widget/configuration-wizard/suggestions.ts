import type { ConfigurationView } from '../../contract/bff.js';
import type { AccountOption, Option } from '../../contract/configuration.js';
import { suggestAccount, suggestTaxComponent, suggestTaxRate } from '../../contract/mapping-suggestions.js';
import type { SuggestionRow } from '../../contract/mapping-suggestions.js';
import type { SelectRow } from './model.js';

/** A proposed option for one row: shown as "Suggested", selected only when the merchant accepts it. */
export interface Suggestion {
  value: string;
  /** The option's name, with the account code when the ledger has one ("Card clearing (091)"). */
  label: string;
}

const ACCOUNT_ROW = /^configuration\.(sales|payments|fees)\.accounts\.([^.]+)\.selectedAccountId$/;
const TAX_RATE_ROW = /^configuration\.sales\.taxRates\.([^.]+(?:\.\d+)?)\.selectedTaxRateId$/;

/**
 * The suggestion of each row (by form field name) from the options the configuration carries,
 * through the shared rule in `contract/mapping-suggestions`. Rows whose proposal is not among
 * their own options, and rows the rule has no clear answer for, get none.
 */
export function suggestionsFor(config: ConfigurationView, rows: readonly SelectRow[], platformKey: string | null | undefined): Map<string, Suggestion> {
  const c = config.configuration;
  const out = new Map<string, Suggestion>();
  for (const row of rows) {
    let proposed: AccountOption | Option | null = null;
    const account = ACCOUNT_ROW.exec(row.itemId);
    const rate = TAX_RATE_ROW.exec(row.itemId);
    if (account) {
      const section = account[1] as SuggestionRow['section'];
      const key = account[2]!;
      const options = c?.[section]?.accounts?.[key]?.accountOptions ?? [];
      proposed = suggestAccount({ section, key }, options, platformKey);
    } else if (rate) {
      proposed = suggestTaxRate(rate[1]!, c?.sales?.taxRates?.[rate[1]!]?.taxRateOptions ?? []);
    } else if (row.componentId) {
      const component = c?.sales?.newTaxRates?.commerceTaxRateOptions?.find((o) => o.id === row.componentId);
      proposed = suggestTaxComponent(component?.name ?? '', c?.sales?.newTaxRates?.accountingTaxRateOptions ?? []);
    }
    const option = proposed ? row.options.find((o) => o.value === proposed.id) : undefined;
    const code = proposed && 'nominalCode' in proposed ? proposed.nominalCode : null;
    if (option) out.set(row.name, { value: option.value, label: code ? `${option.label} (${code})` : option.label });
  }
  return out;
}
