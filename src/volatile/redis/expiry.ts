/**
 * Logical expiry is judged against the application's clock; Redis's own expiry only collects the
 * garbage. The grace keeps Redis from dropping a deny-list entry early when its clock runs ahead of
 * ours, which would let a revoked token through for the difference.
 */
export const EXPIRY_GRACE_MS = 60_000;
