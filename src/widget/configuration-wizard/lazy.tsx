'use client';
import { Suspense, lazy } from 'react';
import { useConfiguration } from '../api/hooks.js';
import { Loading } from '../components/status-views.js';
import type { ConfigurationWizardProps } from './configuration-wizard.js';

/** Loads the wizard's code (react-hook-form, the steps, the resolver) the first time it is shown. */
export const loadConfigurationWizard = () => import('./configuration-wizard.js');

const WizardImpl = lazy(() => loadConfigurationWizard().then((m) => ({ default: m.ConfigurationWizard })));

/**
 * The configuration wizard: output mode, sales, tax rates, payments, fees, schedule and review.
 * Its code is fetched on demand (the widget's first load does not carry it); until it arrives
 * an announced loading state shows, and the configuration is already being fetched meanwhile.
 *
 * @example
 * <ConfigurationWizard defaultStep="sales" onSaved={() => setView('settings')} />
 */
export function ConfigurationWizard(props: ConfigurationWizardProps) {
  // Starts the configuration request while the wizard's code downloads (no request waterfall).
  useConfiguration();
  return (
    <Suspense fallback={<Loading />}>
      <WizardImpl {...props} />
    </Suspense>
  );
}
