/**
 * What a check or a reader throws when it cannot judge. Leaf module: protocols, venues, rpc and checks
 * all import it, so none of them imports another layer for its errors.
 */

/** The check does not apply here (e.g. divergence with a single endpoint): reported as `skip`. */
export class NotApplicable extends Error {}

/**
 * The check could not measure (e.g. the round is missing, the contract reverted). Becomes `error`,
 * never `pass`.
 */
export class MeasurementError extends Error {
  readonly evidence?: Record<string, unknown>;
  constructor(message: string, evidence?: Record<string, unknown>) {
    super(message);
    this.name = 'MeasurementError';
    this.evidence = evidence;
  }
}
