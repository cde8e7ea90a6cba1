// The back-office panel: the simulated back office's cases grouped by who acts next — the 受理 window,
// each department, 办结/送达 — with the decision buttons. Decisions reach the bot as signed webhooks.
import { api } from './api.js';

const LABELS = {
  accept: '受理',
  not_accept: '不予受理',
  supplement: '要求补正',
  approve: '同意',
  reject: '驳回',
  complete: '办结',
  deliver: '送达',
  deliver_waive: '豁免容缺并送达',
};
// Decisions that need words: the placeholder of their input.
const NEEDS_TEXT = { not_accept: '不予受理的理由', supplement: '缺少的材料，多项用、或逗号分隔', reject: '驳回理由（可不填）' };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class BackofficePanel {
  constructor(panel, list, toast) {
    this.panel = panel;
    this.list = list;
    this.toast = toast;
    this.timer = undefined;
    this.busy = false;
  }

  /** Refreshes soon (several events in a row cause one request). */
  refreshSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 80);
  }

  async refresh() {
    let data;
    try {
      data = await api('/backoffice');
    } catch (error) {
      this.toast(error.message);
      return;
    }
    this.panel.hidden = !data.available;
    if (data.available && !this.busy) this.draw(data.cases);
  }

  draw(cases) {
    const groups = [];
    const add = (title, hint, items, scope) => items.length > 0 && groups.push({ title, hint, items, scope });
    add(
      '综合受理窗口 · 待受理',
      '收到的申请，先决定是否受理',
      cases.filter((c) => c.status === 'received'),
      'case',
    );
    const departments = new Map();
    for (const c of cases) {
      for (const d of c.departments) {
        if (d.actions.length === 0) continue;
        departments.set(d.id, { name: d.name, items: [...(departments.get(d.id)?.items ?? []), c] });
      }
    }
    for (const [id, { name, items }] of departments) add(`${name} · 待审查`, '同意或驳回本部门的审查', items, id);
    add(
      '待办结 / 送达',
      '各部门都已同意',
      cases.filter((c) => c.status === 'approved'),
      'case',
    );
    add(
      '待申请人补正',
      '等申请人补齐材料后继续',
      cases.filter((c) => c.status === 'supplement_required'),
      'none',
    );
    add(
      '已结束',
      '',
      cases.filter((c) => ['delivered', 'rejected', 'not_accepted', 'withdrawn'].includes(c.status)),
      'none',
    );

    if (groups.length === 0) {
      this.list.replaceChildren(el('p', 'empty', '暂无办件。以群众身份在聊天中提交一份申请，它会出现在这里。'));
      return;
    }
    this.list.replaceChildren(...groups.map((group) => this.section(group)));
  }

  section(group) {
    const section = el('section', 'case-group');
    section.dataset.scope = group.scope;
    section.append(el('h3', 'case-group-title', group.title));
    if (group.hint) section.append(el('p', 'case-group-hint', group.hint));
    for (const c of group.items) section.append(this.caseItem(c, group.scope));
    return section;
  }

  caseItem(c, scope) {
    const item = el('article', 'case');
    item.dataset.applicationId = c.applicationId;
    const head = el('header', 'case-head');
    head.append(el('strong', 'case-matter', c.matter.name), el('span', `tag tag-${tone(c.status)}`, c.statusText));
    item.append(head, el('p', 'case-meta', `${c.applicationId} · 申请人 ${c.applicant.name}`));

    const rows = el('ul', 'case-departments');
    for (const d of c.departments) {
      const row = el('li', `dept dept-${d.status}`);
      row.append(el('span', '', d.name), el('span', 'dept-status', d.statusText));
      rows.append(row);
    }
    item.append(rows);
    if (c.missing.length > 0) item.append(el('p', 'case-missing', `待补正：${c.missing.map((m) => m.name).join('、')}`));
    if (c.lastEvent && c.lastEvent.httpStatus >= 400) {
      item.append(el('p', 'case-error', `机器人拒绝了上一个状态（${c.lastEvent.httpStatus}）：${c.lastEvent.message ?? ''}`));
    }

    const department = scope !== 'case' && scope !== 'none' ? c.departments.find((d) => d.id === scope) : undefined;
    const actions = scope === 'none' ? [] : department ? department.actions : c.actions;
    if (actions.length > 0) item.append(this.buttons(c, actions, department?.id));
    return item;
  }

  buttons(c, actions, department) {
    const box = el('div', 'case-actions');
    const row = el('div', 'case-buttons');
    for (const action of actions) {
      const button = el(
        'button',
        `btn btn-small ${['reject', 'not_accept'].includes(action) ? 'btn-danger-outline' : action === 'supplement' ? '' : 'btn-primary'}`,
        LABELS[action],
      );
      button.type = 'button';
      button.dataset.action = action;
      button.addEventListener('click', () => {
        if (NEEDS_TEXT[action]) this.askText(box, c, action, department);
        else void this.decide({ applicationId: c.applicationId, action, department }, box);
      });
      row.append(button);
    }
    box.append(row);
    return box;
  }

  askText(box, c, action, department) {
    box.querySelector('.case-form')?.remove();
    const form = el('div', 'case-form');
    const input = el('input', 'text-input');
    input.placeholder = NEEDS_TEXT[action];
    input.maxLength = 300;
    const ok = el('button', 'btn btn-small btn-primary', `确认${LABELS[action]}`);
    const cancel = el('button', 'btn btn-small', '取消');
    ok.type = cancel.type = 'button';
    cancel.addEventListener('click', () => {
      form.remove();
      this.busy = false;
    });
    ok.addEventListener('click', () => {
      const text = input.value.trim();
      const decision = { applicationId: c.applicationId, action, department };
      if (action === 'supplement') {
        const missing = text
          .split(/[、,，;；\n]+/)
          .map((s) => s.trim())
          .filter(Boolean);
        if (missing.length === 0) return this.toast('请写明缺少的材料');
        decision.missing = missing;
      } else if (text) {
        decision.comment = text;
      } else if (action === 'not_accept') {
        return this.toast('请写明不予受理的理由');
      }
      void this.decide(decision, box);
    });
    form.append(input, ok, cancel);
    box.append(form);
    // Hold redraws while someone is typing in the panel.
    this.busy = true;
    input.focus();
  }

  async decide(decision, box) {
    for (const button of box.querySelectorAll('button')) button.disabled = true;
    try {
      await api('/backoffice/decisions', decision);
    } catch (error) {
      this.toast(error.message);
    } finally {
      this.busy = false;
      await this.refresh();
    }
  }
}

function tone(status) {
  if (['delivered', 'approved'].includes(status)) return 'green';
  if (['rejected', 'not_accepted'].includes(status)) return 'red';
  if (status === 'supplement_required') return 'orange';
  if (status === 'withdrawn') return 'grey';
  return 'blue';
}
