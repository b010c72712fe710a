export { createBffState, createBffHandlers, completeAuthorization, bffError, bffUrl, statusView, validateSave, MOCK_SESSION_TOKEN } from './handlers.js';
export type { BffMockState, BffScenario, BffStateOptions } from './handlers.js';
export { configurationFixture, platformsFixture, syncRunFixture, healthyHistory, failingHistory, generateAccounts, seededRandom, TAX_RATE_OPTIONS } from './fixtures.js';
export type { ConfigurationFixtureOptions } from './fixtures.js';
