// Chinese names the views show for the bot's codes (the same words as src/domain/status-text.ts).

export const APPLICATION_STATUS = {
  submitted: ['已提交', 'badge'],
  accepted: ['已受理', 'badge'],
  not_accepted: ['不予受理', 'badge badge-red'],
  supplement_required: ['待补正', 'badge badge-orange'],
  in_review: ['审查中', 'badge'],
  approved: ['已办结（准予许可）', 'badge badge-green'],
  rejected: ['不予许可', 'badge badge-red'],
  delivered: ['已送达', 'badge badge-green'],
  evaluated: ['已评价', 'badge badge-green'],
  withdrawn: ['已撤回', 'badge badge-grey'],
  draft: ['草稿', 'badge badge-grey'],
};

export const DEPARTMENT_STATUS = { pending: '待审', reviewing: '审查中', approved: '已同意', rejected: '已驳回' };

export const ACTION = {
  created: '创建申请',
  submit: '提交申请',
  accept: '受理',
  not_accept: '不予受理',
  require_supplement: '一次性告知补正',
  supplement: '补正材料',
  start_review: '开始审查',
  department_approve: '部门同意',
  department_reject: '部门驳回',
  complete: '办结',
  deliver: '送达结果',
  evaluate: '评价',
  withdraw: '撤回申请',
  fulfil_promise: '补交容缺材料',
};

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
