// What the bot needs from the e-licence (shared data) source: a lookup by holder id (DESIGN.md
// "E-licence protocol"). The vocabulary is src/elicence's; the source itself is injected.
import type { LicenceLookup } from '../elicence/licence.js';

export type { Licence, LicenceLookup } from '../elicence/licence.js';

/** The e-licence source, asked only with the applicant's consent; createElicenceSource fits. */
export interface LicenceSource {
  lookup(holderId: string, type?: string): Promise<LicenceLookup>;
}
