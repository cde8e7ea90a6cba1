// 授权经办人: a company's legal representative (or an admin) lets an agent fetch the company's e-licences
// when applying for it; 经办人列表 shows them with who authorised them and when; 撤销经办人 takes it back.
// 核验身份 is how a legal representative proves, once, whose 居民身份证号 is theirs (company-access.ts).
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { hears } from '../src/bot/router.js';
import { formatChinaTime } from '../cards/format.js';
import { validateIdCard, validateUscc } from '../src/domain/validators.js';
import { AGENT_GRANT, AGENT_LIST, AGENT_REVOKE, VERIFY_IDENTITY } from './commands.js';
import {
  agentBook,
  agentsKey,
  isOwnIdCard,
  legalRepCheck,
  rememberIdentity,
  type Agent,
  type AgentBook,
  type CompanyAccess,
} from './company-access.js';

// A DingTalk userId (staffId) as DingTalk hands them out.
const DINGTALK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** 核验身份, 授权经办人, 经办人列表, 撤销经办人. */
export const agents = new Composer<BotContext>(
  hears([VERIFY_IDENTITY], (ctx, match) => verifyIdentity(ctx, match[1] ?? '')),
  hears([AGENT_GRANT], (ctx, match) => change(ctx, 'grant', match[1] ?? '', match[2] ?? '')),
  hears([AGENT_REVOKE], (ctx, match) => change(ctx, 'revoke', match[1] ?? '', match[2] ?? '')),
  hears([AGENT_LIST], (ctx, match) => list(ctx, match[1] ?? '')),
);

async function verifyIdentity(ctx: BotContext, raw: string): Promise<void> {
  if (ctx.isGroup) return void ctx.reply('身份证号属于个人信息，请在与我的单聊中发送“核验身份 身份证号”。');
  const checked = validateIdCard(raw);
  if (!checked.ok) return void ctx.reply(`${checked.reason}，请重新发送“核验身份 身份证号”。`);
  const lookup = await ctx.lookupLicences(checked.value, '居民身份证');
  if (lookup.status === 'unavailable') return void ctx.reply('电子证照服务暂不可用，暂时无法核验身份，请稍后再试。');
  const name = ctx.event.sender.name;
  if (lookup.status !== 'found' || !isOwnIdCard(lookup.licences, name)) {
    return void ctx.reply('该身份证号对应的居民身份证持有人与您的钉钉实名不一致，未能核验。');
  }
  rememberIdentity(ctx, ctx.event.sender.userId, name, checked.value);
  ctx.reply(
    `已核验您的身份（${name}，身份证号 ${checked.value}）。如您是企业法定代表人，办理企业事项时可调取企业电子证照，也可发送“授权经办人 统一社会信用代码 钉钉ID”授权经办人。`,
  );
}

async function change(ctx: BotContext, action: 'grant' | 'revoke', rawUscc: string, agentId: string): Promise<void> {
  if (!DINGTALK_ID.test(agentId))
    return void ctx.reply('被授权人请填写其钉钉ID（字母、数字、下划线或连字符），如“授权经办人 91330106MA2H7Q3K8C clerk-chen”。');
  const manager = await asManager(ctx, rawUscc);
  if (!manager) return;
  const { uscc, access } = manager;
  const book = await agentBook(ctx, uscc);
  const company = access.companyName ?? book.companyName ?? uscc;
  const present = book.agents.some((agent) => agent.userId === agentId);
  if (action === 'grant' && present) return void ctx.reply(`${agentId} 已是「${company}」的经办人，无需重复授权。`);
  if (action === 'revoke' && !present) return void ctx.reply(`${agentId} 不是「${company}」的经办人。`);
  const by = ctx.event.sender.userId;
  const as: Agent['grantedAs'] = access.status === 'admin' ? 'admin' : 'legal_rep';
  const at = ctx.now.toISOString();
  const agents =
    action === 'grant'
      ? [...book.agents, { userId: agentId, grantedBy: by, grantedAs: as, grantedAt: at }]
      : book.agents.filter((agent) => agent.userId !== agentId);
  const next: AgentBook = { ...book, companyName: company, agents, history: [...book.history, { action, userId: agentId, by, as, at }] };
  ctx.putMeta(agentsKey(uscc), next);
  if (action === 'grant') {
    ctx.reply(
      `已授权 ${agentId} 为「${company}」的经办人：办理该企业的事项时可调取企业电子证照。随时可发送“撤销经办人 ${uscc} ${agentId}”撤销。`,
    );
    ctx.send({ kind: 'user', userId: agentId }, `「${company}」已授权您为经办人，办理该企业的事项时可调取企业电子证照。`);
  } else {
    ctx.reply(`已撤销 ${agentId} 的「${company}」经办人授权，其今后不能再调取该企业的电子证照。`);
  }
}

async function list(ctx: BotContext, rawUscc: string): Promise<void> {
  const manager = await asManager(ctx, rawUscc);
  if (!manager) return;
  const book = await agentBook(ctx, manager.uscc);
  const company = manager.access.companyName ?? book.companyName ?? manager.uscc;
  const role = (as: 'legal_rep' | 'admin') => (as === 'admin' ? '管理员' : '法定代表人');
  const current = book.agents.map((a) => `${a.userId}（${formatChinaTime(a.grantedAt)} 由${role(a.grantedAs)} ${a.grantedBy} 授权）`);
  const history = book.history
    .slice(-10)
    .map((h) => `${formatChinaTime(h.at)} ${role(h.as)} ${h.by} ${h.action === 'grant' ? '授权' : '撤销'} ${h.userId}`);
  const lines = [`「${company}」的经办人：${current.length ? '' : '暂无'}`, ...current.map((line, i) => `${i + 1}. ${line}`)];
  if (history.length) lines.push('授权记录：', ...history);
  ctx.reply(lines.join('\n'));
}

/** The company, when the sender is its legal representative or an admin; otherwise answers why not. */
async function asManager(
  ctx: BotContext,
  rawUscc: string,
): Promise<{ uscc: string; access: Extract<CompanyAccess, { companyName?: string }> } | undefined> {
  const checked = validateUscc(rawUscc);
  if (!checked.ok) return void ctx.reply(`${checked.reason}，请核对后重新发送。`);
  const access = await legalRepCheck(ctx, ctx.event.sender.userId, checked.value, { admin: ctx.isAdmin });
  if (access.status === 'legal_rep' || access.status === 'admin') return { uscc: checked.value, access };
  // An admin's right does not depend on the e-licence service; only the company name is missing then.
  if (ctx.isAdmin && access.status === 'unavailable') return { uscc: checked.value, access: { status: 'admin' } };
  if (access.status === 'unavailable') return void ctx.reply('电子证照服务暂不可用，暂时无法确认您是该企业的法定代表人，请稍后再试。');
  if (access.status !== 'refused') return void ctx.reply('只有该企业的法定代表人或管理员可以管理经办人。');
  if (access.reason === 'not_verified')
    return void ctx.reply('只有企业法定代表人或管理员可以管理经办人。法定代表人请先在与我的单聊中发送“核验身份 您的身份证号”核验身份。');
  if (access.reason === 'unknown_company') return void ctx.reply('未查到该统一社会信用代码对应的企业，请核对后重新发送。');
  ctx.reply('只有该企业的法定代表人或管理员可以管理经办人。');
}
