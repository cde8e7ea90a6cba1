// Who may fetch a company's e-licences (issue 9, DESIGN.md "E-licence protocol"): its legal representative
// or an agent (经办人) the legal representative or an admin authorised in the bot. A person is known as the
// legal representative when their own 居民身份证号, verified in the bot (核验身份, or the identity check
// of a personal application: the 居民身份证 under that number carries their DingTalk real name), is the
// one on the company's 营业执照. Both records are small store documents (Commit.meta).
import { createHash } from 'node:crypto';
import type { DecisionContext } from '../src/bot/context.js';
import type { Licence } from '../src/elicence/licence.js';

/** A person's own ID number as verified in the bot; only a fingerprint is kept, never the number. */
export interface VerifiedIdentity {
  userId: string;
  name: string;
  idFingerprint: string;
  verifiedAt: string;
}

/** One authorisation of an agent for a company, with who granted it and when. */
export interface Agent {
  userId: string;
  grantedBy: string;
  grantedAs: 'legal_rep' | 'admin';
  grantedAt: string;
}

/** A change of a company's agents, kept forever (the authorisation history). */
export interface AgentChange {
  action: 'grant' | 'revoke';
  userId: string;
  by: string;
  as: 'legal_rep' | 'admin';
  at: string;
}

/** The agents of one company and the history of their authorisations. */
export interface AgentBook {
  uscc: string;
  companyName?: string;
  agents: Agent[];
  history: AgentChange[];
}

/** How a user may act for a company. */
export type CompanyAccess =
  | { status: 'legal_rep' | 'agent' | 'admin'; companyName?: string }
  | { status: 'refused'; reason: 'not_verified' | 'not_rep' | 'no_rep_on_file' | 'unknown_company' }
  | { status: 'unavailable' };

/** Store key (meta) of a person's verified identity. */
export function identityKey(userId: string): string {
  return `identity:${userId}`;
}

/** Store key (meta) of a company's agents and their history. */
export function agentsKey(uscc: string): string {
  return `company-agents:${uscc.toUpperCase()}`;
}

/** A one-way fingerprint of a 居民身份证号 (upper-case X), for comparing without storing the number. */
export function idFingerprint(idNumber: string): string {
  return createHash('sha256').update(`yiciban:idcard:${idNumber.trim().toUpperCase()}`).digest('hex');
}

/** Records that `userId` is the holder of `idNumber` (after the 居民身份证 check by name). */
export function rememberIdentity(ctx: DecisionContext, userId: string, name: string, idNumber: string): void {
  const identity: VerifiedIdentity = { userId, name, idFingerprint: idFingerprint(idNumber), verifiedAt: ctx.now.toISOString() };
  ctx.putMeta(identityKey(userId), identity);
}

/** True when the licences under an ID number include a 居民身份证 carrying `name`. */
export function isOwnIdCard(licences: Licence[], name: string): boolean {
  return name !== '' && licences.some((l) => l.type === '居民身份证' && l.holderName === name);
}

/** The company's agent book (empty when none was ever authorised). */
export async function agentBook(ctx: DecisionContext, uscc: string): Promise<AgentBook> {
  return (await ctx.getMeta<AgentBook>(agentsKey(uscc))) ?? { uscc: uscc.toUpperCase(), agents: [], history: [] };
}

/** Whether `userId` may fetch the licences of company `uscc`; asks the service for its 营业执照 only when needed. */
export async function companyAccess(
  ctx: DecisionContext,
  userId: string,
  uscc: string,
  options: { admin?: boolean } = {},
): Promise<CompanyAccess> {
  const book = await agentBook(ctx, uscc);
  if (book.agents.some((agent) => agent.userId === userId))
    return { status: 'agent', ...(book.companyName ? { companyName: book.companyName } : {}) };
  return legalRepCheck(ctx, userId, uscc, options);
}

/** Whether `userId` is the legal representative of `uscc` (an admin passes once the company is known). */
export async function legalRepCheck(
  ctx: DecisionContext,
  userId: string,
  uscc: string,
  options: { admin?: boolean } = {},
): Promise<CompanyAccess> {
  const lookup = await ctx.lookupLicences(uscc, '营业执照');
  if (lookup.status === 'unavailable') return { status: 'unavailable' };
  const licence = lookup.status === 'found' ? lookup.licences.find((l) => l.type === '营业执照') : undefined;
  if (!licence) return { status: 'refused', reason: 'unknown_company' };
  if (options.admin) return { status: 'admin', companyName: licence.holderName };
  const rep = licence.legalRepresentative;
  if (!rep) return { status: 'refused', reason: 'no_rep_on_file' };
  const identity = await ctx.getMeta<VerifiedIdentity>(identityKey(userId));
  if (!identity) return { status: 'refused', reason: 'not_verified' };
  if (identity.idFingerprint !== idFingerprint(rep.idNumber)) return { status: 'refused', reason: 'not_rep' };
  return { status: 'legal_rep', companyName: licence.holderName };
}

/** Why the bot did not fetch a company's licences, in words the applicant can act on. */
export function refusalText(reason: Extract<CompanyAccess, { status: 'refused' }>['reason'], userId: string): string {
  const upload = '请自行填写并上传相关材料，不影响继续办理。';
  const howToAuthorise = `如需调取，请企业法定代表人发送“授权经办人 统一社会信用代码 ${userId}”授权您（您的钉钉ID：${userId}）。`;
  switch (reason) {
    case 'unknown_company':
      return `未查到该企业的营业执照，${upload}`;
    case 'no_rep_on_file':
      return `电子证照库中没有该企业法定代表人的信息，无法确认您的权限，未调取企业证照。${upload}`;
    case 'not_verified':
      return `企业电子证照只向法定代表人或其授权的经办人提供。您尚未核验身份：法定代表人本人请先发送“核验身份 您的身份证号”，再回复“上一步”重新填写统一社会信用代码；${howToAuthorise}${upload}`;
    case 'not_rep':
      return `企业电子证照只向法定代表人或其授权的经办人提供，您不是该企业的法定代表人，也未获授权。${howToAuthorise}${upload}`;
  }
}
