/** The Harbour POS logo mark and word mark. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--hb-brand)" />
      <path d="M8 20c3 3 13 3 16 0" stroke="var(--hb-accent)" strokeWidth="3" fill="none" strokeLinecap="round" />
      <circle cx="16" cy="12" r="4" fill="#fff" />
    </svg>
  );
}

/** Logo and product name, as shown in the top bar and on the sign-in page. */
export function Brand() {
  return (
    <span className="hb-brand">
      <BrandMark />
      <span className="hb-brand-name">
        Harbour <span className="hb-brand-pos">POS</span>
      </span>
    </span>
  );
}
