// Chinese names the views show for the bot's codes.
import { ACTION_TEXT, APPLICATION_STATUS_TEXT, DEPARTMENT_STATUS_TEXT } from '/console/vendor/domain-text.js';

// Statuses and history actions in the bot's own words (src/domain/status-text.ts, bundled by the server); a status
// tone becomes the badge's colour.
const BADGE = {
  neutral: 'badge badge-grey',
  info: 'badge',
  success: 'badge badge-green',
  warning: 'badge badge-orange',
  danger: 'badge badge-red',
};
const mapValues = (object, f) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value)]));

export const APPLICATION_STATUS = mapValues(APPLICATION_STATUS_TEXT, (text) => [text.label, BADGE[text.tone]]);

export const DEPARTMENT_STATUS = mapValues(DEPARTMENT_STATUS_TEXT, (text) => text.label);

export const ACTION = ACTION_TEXT;

export const ACTOR = { applicant: '申请人', department: '部门', backoffice: '后台', system: '系统', admin: '管理员' };

export const MATERIAL_SOURCE = { upload: '上传', elicence: '电子证照', promised: '容缺承诺' };

export const JOB_KIND = {
  'dingtalk.message': '钉钉消息',
  'dingtalk.card.update': '钉钉卡片更新',
  'backoffice.submit': '推送后台',
  'backoffice.withdraw': '后台撤回',
  'backoffice.supplement': '后台补正',
  timer: '定时任务',
  'broadcast.resolve': '通知解析对象',
  'broadcast.batch': '通知分批发送',
  'broadcast.report': '通知回执',
};
