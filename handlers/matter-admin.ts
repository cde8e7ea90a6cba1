// Admins' template commands (ADMIN_USER_IDS only; for anyone else the words fall through to the ordinary
// help, with no hint that they exist): 事项列表, 事项 <名称>, 发布 <事项> and 停用 <事项>, each change after
// a confirmation card that shows what changes. The change is staged as records and commits with the decision;
// the live catalogue follows the commit, so new applications use it at once.
import { confirmCard, MATTER_ABORT, MATTER_PUBLISH, MATTER_RETIRE, matterCard, matterListCard } from '../cards/matter-admin-cards.js';
import type { Middleware } from '../src/bot/composer.js';
import { Composer } from '../src/bot/composer.js';
import type { BotContext } from '../src/bot/context.js';
import { action, hears } from '../src/bot/router.js';
import { templateChanges } from '../src/domain/template-diff.js';
import {
  type AdminChange,
  auditLog,
  type ChangeContext,
  matterHeads,
  publishDraft,
  publishedVersion,
  retireMatter,
} from '../src/templates/matter-admin.js';
import type { AuditEntry, MatterHead } from '../src/templates/template-records.js';
import {
  MATTER_CONFIRM_PUBLISH,
  MATTER_CONFIRM_RETIRE,
  MATTER_LIST,
  MATTER_PUBLISH_ASK,
  MATTER_RETIRE_ASK,
  MATTER_SHOW,
} from './commands.js';

const admin = new Composer<BotContext>(
  hears([MATTER_LIST], async (ctx) => ctx.reply(matterListCard((await matterHeads(ctx)).map((r) => r.data)))),
  hears([MATTER_CONFIRM_PUBLISH], (ctx, match) => publish(ctx, match[1] ?? '')),
  hears([MATTER_CONFIRM_RETIRE], (ctx, match) => retire(ctx, match[1] ?? '')),
  hears([MATTER_SHOW], (ctx, match) => show(ctx, match[1] ?? '')),
  hears([MATTER_PUBLISH_ASK], (ctx, match) => askPublish(ctx, match[1] ?? '')),
  hears([MATTER_RETIRE_ASK], (ctx, match) => askRetire(ctx, match[1] ?? '')),
  action(MATTER_PUBLISH, (ctx, params) => publish(ctx, params.matter ?? '')),
  action(MATTER_RETIRE, (ctx, params) => retire(ctx, params.matter ?? '')),
  action(MATTER_ABORT, (ctx) => ctx.reply('已取消，事项没有变化。')),
);

const adminChain = admin.middleware();

/** The admin commands, passed over for everyone who is not an admin. */
export const matterAdmin: Middleware<BotContext> = (ctx, next) => (ctx.isAdmin ? adminChain(ctx, next) : next());

async function show(ctx: BotContext, words: string): Promise<void> {
  const head = await find(ctx, words);
  if (!head) return;
  const log = await auditLog(ctx, { matterId: head.id, limit: 5 });
  ctx.reply(
    matterCard(
      head,
      log.items.map((r) => r.data as AuditEntry),
    ),
  );
}

async function askPublish(ctx: BotContext, words: string): Promise<void> {
  const head = await find(ctx, words);
  if (!head) return;
  if (!head.draft)
    return void ctx.reply(`「${head.name}」没有待发布的草稿。请先通过管理接口修改草稿（PUT /api/matters/${head.id}/draft）。`);
  ctx.reply(confirmCard('publish', head, templateChanges(await publishedVersion(ctx, head), head.draft)));
}

async function askRetire(ctx: BotContext, words: string): Promise<void> {
  const head = await find(ctx, words);
  if (!head) return;
  if (head.status === 'retired') return void ctx.reply(`「${head.name}」已经停用。`);
  ctx.reply(confirmCard('retire', head, ['停止受理新的申请']));
}

async function publish(ctx: BotContext, id: string): Promise<void> {
  const result = await publishDraft(ctx, id, changeOf(ctx));
  if (save(ctx, result))
    ctx.reply(
      `已发布「${result.matter.name}」第${result.matter.version}版，新的申请立即按新版本办理：\n${result.summary.map((s) => `- ${s}`).join('\n')}`,
    );
}

async function retire(ctx: BotContext, id: string): Promise<void> {
  const result = await retireMatter(ctx, id, changeOf(ctx));
  if (save(ctx, result)) ctx.reply(`已停用「${result.head.name}」：不再受理新的申请，已提交的办件照常办理。`);
}

function save(ctx: BotContext, result: AdminChange): result is Extract<AdminChange, { status: 'ok' }> {
  if (result.status === 'ok') {
    for (const record of result.records) ctx.saveRecord(record);
    // People filling in this matter's form are told at once (handlers/apply/template-change.ts).
    if (result.timer) ctx.schedule(result.timer.name, result.timer.key, result.timer.at, result.timer.payload);
    return true;
  }
  if (result.status === 'invalid') {
    ctx.reply(
      `草稿有 ${result.errors.length} 处问题，未发布：\n${result.errors.map((e) => `- ${e.path || '（整体）'}：${e.reason}`).join('\n')}`,
    );
  } else ctx.reply(result.message);
  return false;
}

function changeOf(ctx: BotContext): ChangeContext {
  let n = 0;
  return {
    now: ctx.now.getTime(),
    actor: { type: 'admin', id: ctx.event.sender.userId, name: ctx.event.sender.name },
    newId: () => `${ctx.now.getTime()}-${ctx.seed}-${(n += 1)}`,
  };
}

// A matter by its exact name, id or alias, else the only one whose name contains the words.
async function find(ctx: BotContext, words: string): Promise<MatterHead | undefined> {
  const wanted = words.trim();
  const heads = (await matterHeads(ctx)).map((r) => r.data);
  const exact = heads.find((h) => h.name === wanted || h.id === wanted || ctx.services.catalogue.get(h.id)?.aliases.includes(wanted));
  const partial = heads.filter((h) => h.name.includes(wanted));
  const found = exact ?? (partial.length === 1 ? partial[0] : undefined);
  if (!found)
    ctx.reply(
      partial.length > 1
        ? `有多个事项符合“${wanted}”：${partial.map((h) => h.name).join('、')}，请写全名。`
        : `没有找到事项“${wanted}”。发送“事项列表”查看全部事项。`,
    );
  return found;
}
