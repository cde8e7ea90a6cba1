// The words people type, in one place: the features match them, and an active dialog lets them through
// (so "我的办件" in the middle of an application still works).

export const HELP = /^(帮助|help|\?|？|菜单|你好|您好)$/iu;
export const GUIDE = /^办事指南(?:\s*(.+))?$/u;
export const CATEGORY = /^(个人|企业)办事(?:\s*第?(\d+)页)?$/u;
export const APPLY = /^(?:我要办理|我要办|我要申请)\s*(.+)$/u;
export const MINE = /^(我的办件|我的申请)(?:\s*第?(\d+)页?)?$/u;
export const QUERY = /^(?:查询|查看)\s*(.+)$/u;
export const WITHDRAW = /^撤回\s*(.+)$/u;
export const CONFIRM_WITHDRAW = /^确认撤回\s*(.+)$/u;
export const SUPPLEMENT = /^补正\s*(.+)$/u;
/** 回访 / 整改 <整改单号> <说明>: a department contact records the call-back or the fix of a 差评. */
export const RECTIFY_CALLBACK = /^回访\s*(ZG-\S+)\s+(.+)$/su;
export const RECTIFY_OUTCOME = /^整改\s*(ZG-\S+)\s+(.+)$/su;
/** 追评 <编号> <等级>: the one follow-up rating after a fix. */
export const FOLLOW_UP = /^追评\s*(\S+)\s+(\S+)$/u;
/** 投诉 [编号] [内容]: starts the complaint dialog; 答复 / 投诉评价 <投诉编号> …: its answer and its rating. */
export const COMPLAIN = /^投诉(?:\s+(.*))?$/su;
export const COMPLAINT_ANSWER = /^答复\s*(TS\d{8}-\d{4})\s+(.+)$/su;
export const COMPLAINT_RATE = /^投诉评价\s*(TS\d{8}-\d{4})\s+(\S+)$/u;
/** 咨询 <事项> <问题> (or 咨询 人工 <问题>); 回复 <咨询编号> <内容>: the answer of a department contact. */
export const CONSULT = /^咨询(?:\s+(.*))?$/su;
export const CONSULT_REPLY = /^回复\s*(ZX\d{8}-\d{4})\s+(.+)$/su;
/** 统计: the supervision figures (admins). */
export const STATISTICS = /^统计$/u;
/** 补交 <编号>: hand in a material promised under 容缺. */
export const PROMISE = /^补交\s*(.+)$/u;
/** 核验身份 <身份证号>: the sender's own ID number, checked against their 居民身份证 e-licence. */
export const VERIFY_IDENTITY = /^核验身份\s*(.+)$/u;
/** 授权经办人 <统一社会信用代码> <被授权人的钉钉ID>, 撤销经办人 …, 经办人列表 <统一社会信用代码>. */
export const AGENT_GRANT = /^授权经办人\s+(\S+)\s+(\S+)$/u;
export const AGENT_REVOKE = /^撤销经办人\s+(\S+)\s+(\S+)$/u;
export const AGENT_LIST = /^经办人列表\s*(\S+)$/u;
/** 评价 <编号> [等级]: needs the number (any APPLICATION_ID_PREFIX), so an answer such as "评价很好" stays an answer. */
export const EVALUATE = /^评价\s*([a-z][a-z0-9]{0,7}\d{8}.*)$/iu;

/** Admins' template commands: 事项列表, 事项 <名称>, 发布 <事项>, 停用 <事项> and their confirmations. */
export const MATTER_LIST = /^事项列表$/u;
export const MATTER_SHOW = /^事项\s+(.+)$/u;
export const MATTER_PUBLISH_ASK = /^发布\s*(.+)$/u;
export const MATTER_RETIRE_ASK = /^停用\s*(.+)$/u;
export const MATTER_CONFIRM_PUBLISH = /^确认发布\s*(.+)$/u;
export const MATTER_CONFIRM_RETIRE = /^确认停用\s*(.+)$/u;

const GLOBAL = [
  HELP,
  GUIDE,
  CATEGORY,
  APPLY,
  MINE,
  QUERY,
  WITHDRAW,
  CONFIRM_WITHDRAW,
  SUPPLEMENT,
  PROMISE,
  STATISTICS,
  RECTIFY_CALLBACK,
  RECTIFY_OUTCOME,
  FOLLOW_UP,
  COMPLAIN,
  COMPLAINT_ANSWER,
  COMPLAINT_RATE,
  CONSULT,
  CONSULT_REPLY,
  EVALUATE,
  VERIFY_IDENTITY,
  AGENT_GRANT,
  AGENT_REVOKE,
  AGENT_LIST,
];

/** True for a command that always means the same thing, whatever dialog is active. */
export function isGlobalCommand(text: string): boolean {
  const trimmed = text.trim();
  return GLOBAL.some((pattern) => pattern.test(trimmed));
}
