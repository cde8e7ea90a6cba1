// What the bot needs from the e-licence (shared data) source: a lookup by holder id. Structural, so the
// HTTP client and the sandbox sample source in src/elicence both fit (DESIGN.md "E-licence protocol").

/** One licence as the e-licence service returns it. */
export interface Licence {
  type: string;
  number: string;
  holderName: string;
  issuer: string;
  issuedAt?: string;
  validUntil?: string;
  fileUrl?: string;
}

/** Outcome of a lookup; an unreachable service is a normal outcome, never an error. */
export type LicenceLookup =
  | { status: 'found'; licences: Licence[] }
  | { status: 'none' }
  | { status: 'unavailable'; reason: string };

/** The e-licence source, asked only with the applicant's consent. */
export interface LicenceSource {
  lookup(holderId: string, type?: string): Promise<LicenceLookup>;
}
