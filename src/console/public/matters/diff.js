// A readable diff of two template versions: every value that changed, named the way an admin reads the
// template (填写项「姓名」· 必填：是 → 否), from the two templates as the API returns them.

const NAMES = {
  name: '名称',
  category: '办理对象',
  summary: '简介',
  aliases: '别名',
  keywords: '关键词',
  conditions: '申请条件',
  steps: '办理流程',
  timeLimit: '时限',
  promisedDays: '承诺时限（工作日）',
  legalDays: '法定时限（工作日）',
  cases: '按情形的时限',
  fee: '收费',
  amount: '金额（元）',
  note: '说明',
  delivery: '送达方式',
  window: '窗口',
  address: '地址',
  hours: '办公时间',
  bring: '携带',
  onSiteSteps: '现场环节',
  key: '字段 key',
  label: '标签',
  type: '类型',
  required: '必填',
  options: '选项',
  pattern: '格式',
  help: '填写说明',
  maxLength: '最大长度',
  prefill: '预填来源',
  sensitive: '敏感',
  when: '适用情形',
  id: '编号',
  elicence: '电子证照',
  tolerance: '容缺受理',
  promiseDays: '容缺补交期限',
  copies: '份数',
  notes: '说明',
  contactUserIds: '审批联系人',
  parallel: '并联审批',
};
const LISTS = { fields: ['填写项', 'key', 'label'], materials: ['材料', 'id', 'name'], departments: ['部门', 'id', 'name'] };

function show(value) {
  if (value === undefined) return '无';
  if (value === true) return '是';
  if (value === false) return '否';
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join('、') || '无';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

// Leaves of `value` by readable path; lists of scalars are one leaf.
function leaves(value, prefix, out) {
  if (value !== null && typeof value === 'object' && !(Array.isArray(value) && value.every((v) => typeof v !== 'object'))) {
    for (const [key, child] of Object.entries(value))
      leaves(child, [...prefix, Array.isArray(value) ? `第 ${Number(key) + 1} 条` : (NAMES[key] ?? key)], out);
  } else out.set(prefix.join(' · '), value);
  return out;
}

function changedLeaves(before, after, prefix) {
  const was = leaves(before, prefix, new Map());
  const is = leaves(after, prefix, new Map());
  const lines = [];
  for (const [path, value] of is) if (show(was.get(path)) !== show(value)) lines.push(`${path}：${show(was.get(path))} → ${show(value)}`);
  for (const [path, value] of was) if (!is.has(path)) lines.push(`${path}：${show(value)} → 无`);
  return lines;
}

/** One line per changed value from template `before` to `after` (items of lists matched by their id). */
export function templateDiff(before, after) {
  const lines = [];
  for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
    if (key === 'version') continue;
    const list = LISTS[key];
    if (!list) {
      lines.push(...changedLeaves(before?.[key], after?.[key], [NAMES[key] ?? key]));
      continue;
    }
    const [what, idKey, nameKey] = list;
    const old = new Map((before?.[key] ?? []).map((item) => [item[idKey], item]));
    const now = new Map((after?.[key] ?? []).map((item) => [item[idKey], item]));
    for (const [id, item] of now) {
      const title = `${what}「${item[nameKey] ?? id}」`;
      if (!old.has(id)) lines.push(`新增${title}`);
      else {
        const was = old.get(id);
        for (const field of new Set([...Object.keys(was), ...Object.keys(item)])) {
          if (JSON.stringify(was[field]) !== JSON.stringify(item[field]))
            lines.push(`${title} · ${NAMES[field] ?? field}：${show(was[field])} → ${show(item[field])}`);
        }
      }
    }
    for (const [id, item] of old) if (!now.has(id)) lines.push(`删除${what}「${item[nameKey] ?? id}」`);
  }
  return lines;
}
