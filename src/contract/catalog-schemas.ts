import { z } from 'zod';
import { ERROR_CATALOG, WIZARD_STEPS } from './error-catalog.js';
import type { SyncErrorCode } from './error-catalog.js';

/** A sync failure code from the error catalog (src/contract/error-catalog.ts). */
export const SyncErrorCodeSchema = z.enum(Object.keys(ERROR_CATALOG) as [SyncErrorCode, ...SyncErrorCode[]]);

/** A wizard step a failure deep-links to. */
export const WizardStepSchema = z.enum(WIZARD_STEPS);
