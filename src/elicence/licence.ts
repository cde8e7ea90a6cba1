// The e-licence (shared data, 数据多跑路) vocabulary: one licence as the service returns it, and the
// outcome of a lookup (DESIGN.md "E-licence (shared data) protocol").
import { z } from 'zod';

/** One licence. `validUntil` absent = 长期有效 (no expiry). Dates are YYYY-MM-DD. */
export interface Licence {
  type: string;
  number: string;
  holderName: string;
  issuer: string;
  issuedAt: string;
  validUntil?: string;
  fileUrl: string;
  /** On a company's 营业执照: its legal representative (法定代表人). */
  legalRepresentative?: { name: string; idNumber: string };
}

/** An unreachable service is a normal outcome ("upload it yourself"), never an error. */
export type LicenceLookup = { status: 'found'; licences: Licence[] } | { status: 'none' } | { status: 'unavailable'; reason: string };

const licenceSchema = z.object({
  type: z.string().min(1),
  number: z.string().min(1),
  holderName: z.string().min(1),
  issuer: z.string().min(1),
  issuedAt: z.string().min(1),
  validUntil: z
    .string()
    .min(1)
    .nullish()
    .transform((value) => value ?? undefined),
  fileUrl: z.string().min(1),
  legalRepresentative: z
    .object({ name: z.string().min(1), idNumber: z.string().min(1) })
    .nullish()
    .transform((value) => value ?? undefined),
});

/** The service's answer: `{"licences":[…]}`. */
export const licencesResponseSchema = z.object({ licences: z.array(licenceSchema) });

/** The sandbox sample file: licences with the holder id (居民身份证号 or 统一社会信用代码) they belong to. */
export const sampleFileSchema = z.object({
  licences: z.array(licenceSchema.extend({ holderId: z.string().min(1) })),
});

/** Drops absent optional fields so a licence compares and serialises cleanly. */
export function cleanLicence(licence: Licence): Licence {
  const { validUntil, legalRepresentative, ...rest } = licence;
  return {
    ...rest,
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(legalRepresentative === undefined ? {} : { legalRepresentative }),
  };
}

/** The e-licence source the bot asks, only with the applicant's consent (createElicenceSource makes one). */
export interface LicenceSource {
  lookup(holderId: string, type?: string): Promise<LicenceLookup>;
}
