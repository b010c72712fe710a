/**
 * The demo's support staff: Harbour POS employees who look after every merchant's syncs on the
 * Support page. The partner's real product would use its own staff sign-in (SSO); the support
 * BFF only needs "which staff member is this request for".
 */

/** One support agent a visitor can sign in as. */
export interface DemoSupportAgent {
  /** Staff id, recorded in the support BFF's audit entries. */
  id: string;
  name: string;
  team: string;
}

/** The support agents of the demo, in sign-in order. */
export const DEMO_SUPPORT_AGENTS: readonly DemoSupportAgent[] = [
  { id: 'support-amara-okafor', name: 'Amara Okafor', team: 'Merchant support, London' },
  { id: 'support-luc-tremblay', name: 'Luc Tremblay', team: 'Merchant support, Vancouver' },
];

/** The agent with this id, if any. */
export function findSupportAgent(id: string | null | undefined): DemoSupportAgent | undefined {
  return id ? DEMO_SUPPORT_AGENTS.find((a) => a.id === id) : undefined;
}
