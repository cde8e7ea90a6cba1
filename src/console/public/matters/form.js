// The parts of the matter editor's form: an input bound to a JSON path of the draft (with the API's errors
// about that path under it), the tabs of common properties, fields, materials and departments, and the whole
// template as JSON.
import { getAt } from '../paths.js';
import { html, useState } from '../lib.js';

const FIELD_TYPES = {
  text: '文本',
  number: '数字',
  date: '日期',
  enum: '选择题',
  idcard: '身份证号',
  phone: '手机号',
  bankcard: '银行卡号',
  uscc: '统一社会信用代码',
  address: '地址',
};

function numberOrText(text) {
  return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text.trim() === '' ? undefined : text;
}

function listOf(text) {
  const items = text
    .split(/[,，、\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items;
}

/** One input bound to a path of the draft, with the errors about that path under it. */
function Input({ label, path, draft, change, errors, kind = 'text', options, hint, wide }) {
  const value = getAt(draft, path);
  const problems = errors.get(path) ?? [];
  const id = `in-${path.replace(/[^A-Za-z0-9]/g, '-')}`;
  const invalid = problems.length > 0;
  const cls = invalid ? 'invalid' : '';
  let control;
  if (kind === 'checkbox') {
    control = html`<input id=${id} type="checkbox" checked=${value === true} onChange=${(e) => change(path, e.currentTarget.checked)} />`;
  } else if (kind === 'select') {
    control = html`<select id=${id} class=${cls} value=${value ?? ''} onChange=${(e) => change(path, e.currentTarget.value || undefined)}>
      ${Object.entries(options).map(([v, t]) => html`<option value=${v}>${t}</option>`)}
    </select>`;
  } else if (kind === 'number') {
    control = html`<input id=${id} class=${cls} type="number" inputmode="numeric" value=${value ?? ''} aria-invalid=${invalid}
      onInput=${(e) => change(path, numberOrText(e.currentTarget.value))} />`;
  } else if (kind === 'list') {
    control = html`<input id=${id} class=${cls} value=${(value ?? []).join('、')} aria-invalid=${invalid}
      onChange=${(e) => change(path, listOf(e.currentTarget.value))} />`;
  } else if (kind === 'textarea') {
    control = html`<textarea id=${id} class=${cls} rows="3" value=${value ?? ''} aria-invalid=${invalid}
      onInput=${(e) => change(path, e.currentTarget.value === '' ? undefined : e.currentTarget.value)}></textarea>`;
  } else {
    control = html`<input id=${id} class=${cls} value=${value ?? ''} aria-invalid=${invalid}
      onInput=${(e) => change(path, e.currentTarget.value === '' ? undefined : e.currentTarget.value)} />`;
  }
  return html`<div class=${`form-field${kind === 'checkbox' ? ' form-check' : ''}${wide ? ' form-wide' : ''}`} data-path=${path}>
    <label for=${id}>${label}</label>
    ${control}
    ${hint ? html`<span class="muted matters-hint">${hint}</span>` : null}
    ${problems.map((p) => html`<span class="field-error" role="alert">${p}</span>`)}
  </div>`;
}

export function BasicTab(bind) {
  return html`<div class="matters-grid">
    <${Input} ...${bind} label="事项名称" path="name" wide=${true} />
    <${Input} ...${bind} label="办理对象" path="category" kind="select" options=${{ 个人: '个人', 法人: '法人' }} />
    <${Input} ...${bind} label="承诺时限（工作日）" path="timeLimit.promisedDays" kind="number" />
    <${Input} ...${bind} label="法定时限（工作日）" path="timeLimit.legalDays" kind="number" />
    <${Input} ...${bind} label="收费（元）" path="fee.amount" kind="number" />
    <${Input} ...${bind} label="收费说明" path="fee.note" />
    <${Input} ...${bind} label="简介" path="summary" kind="textarea" wide=${true} />
  </div>
  ${(bind.draft.timeLimit?.cases ?? []).length > 0 ? html`<p class="muted">按情形的时限有 ${bind.draft.timeLimit.cases.length} 条，请在“高级”中修改。</p>` : null}`;
}

function ItemList({ title, path, draft, change, blank, render }) {
  const items = getAt(draft, path) ?? [];
  const remove = (i) =>
    change(
      path,
      items.filter((_, j) => j !== i),
    );
  return html`<div class="matters-items">
    ${items.map(
      (item, i) => html`<fieldset class="matters-item">
        <legend>${title} ${i + 1}${item.when ? html` <span class="badge">按情形</span>` : null}</legend>
        <div class="matters-grid">${render(i)}</div>
        <button type="button" class="btn btn-small" onClick=${() => remove(i)}>删除此${title}</button>
      </fieldset>`,
    )}
    <button type="button" class="btn" onClick=${() => change(path, [...items, blank()])}>添加${title}</button>
  </div>`;
}

export function FieldsTab(bind) {
  return html`<${ItemList} ...${bind} title="填写项" path="fields" blank=${() => ({ key: '', label: '', type: 'text', required: true })}
    render=${(i) => html`
      <${Input} ...${bind} label="标签" path=${`fields[${i}].label`} />
      <${Input} ...${bind} label="字段 key" path=${`fields[${i}].key`} />
      <${Input} ...${bind} label="类型" path=${`fields[${i}].type`} kind="select" options=${FIELD_TYPES} />
      <${Input} ...${bind} label="必填" path=${`fields[${i}].required`} kind="checkbox" />
      ${getAt(bind.draft, `fields[${i}].type`) === 'enum' ? html`<${Input} ...${bind} label="选项（用顿号分隔）" path=${`fields[${i}].options`} kind="list" wide=${true} />` : null}
      <${Input} ...${bind} label="填写说明" path=${`fields[${i}].help`} wide=${true} />
      <${Input} ...${bind} label="最大长度" path=${`fields[${i}].maxLength`} kind="number" />`}
  />`;
}

export function MaterialsTab(bind) {
  return html`<${ItemList} ...${bind} title="材料" path="materials" blank=${() => ({ id: '', name: '', required: true, tolerance: false })}
    render=${(i) => html`
      <${Input} ...${bind} label="材料名称" path=${`materials[${i}].name`} wide=${true} />
      <${Input} ...${bind} label="材料编号" path=${`materials[${i}].id`} />
      <${Input} ...${bind} label="必需" path=${`materials[${i}].required`} kind="checkbox" />
      <${Input} ...${bind} label="容缺受理" path=${`materials[${i}].tolerance`} kind="checkbox" />
      <${Input} ...${bind} label="容缺补交期限（天）" path=${`materials[${i}].promiseDays`} kind="number" />
      <${Input} ...${bind} label="份数" path=${`materials[${i}].copies`} kind="number" />
      <${Input} ...${bind} label="说明" path=${`materials[${i}].notes`} wide=${true} />`}
  />`;
}

export function DepartmentsTab(bind) {
  return html`<${ItemList} ...${bind} title="部门" path="departments" blank=${() => ({ id: '', name: '', contactUserIds: [], parallel: false })}
    render=${(i) => html`
      <${Input} ...${bind} label="部门名称" path=${`departments[${i}].name`} />
      <${Input} ...${bind} label="部门编号" path=${`departments[${i}].id`} />
      <${Input} ...${bind} label="审批联系人（钉钉 userId，用顿号分隔）" path=${`departments[${i}].contactUserIds`} kind="list" wide=${true} />
      <${Input} ...${bind} label="并联审批" path=${`departments[${i}].parallel`} kind="checkbox" />`}
  />`;
}

export function JsonTab({ draft, onApply }) {
  const [text, setText] = useState(JSON.stringify(draft, null, 2));
  const [error, setError] = useState('');
  const apply = () => {
    try {
      onApply(JSON.parse(text));
      setError('');
    } catch (failure) {
      setError(`不是有效的 JSON：${failure.message}`);
    }
  };
  return html`<div class="matters-json">
    <p class="muted">整个模板（含情形条件、按情形的时限、办理流程等）。修改后点“应用到表单”，再保存草稿。</p>
    <textarea aria-label="模板 JSON" class=${error ? 'invalid' : ''} spellcheck="false" rows="24" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
    ${error ? html`<span class="field-error" role="alert">${error}</span>` : null}
    <div class="btn-row"><button type="button" class="btn" onClick=${apply}>应用到表单</button></div>
  </div>`;
}
