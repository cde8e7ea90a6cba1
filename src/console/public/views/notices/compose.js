// 发布通知: title, markdown body, targets and an optional time (China time). Checked by the server with the same
// rules as the chat dialog (POST /api/notices): every problem comes back at once and is shown at its field.
import { html, useState } from '../../lib.js';
import { audienceOf, NO_TARGETS, TargetPicker } from './targets.js';

const EMPTY = { title: '', body: '', targets: NO_TARGETS, scheduled: false, sendAt: '' };

// Which field a problem of the server's checks belongs to (src/domain/notice.ts draftProblems).
const FIELD_OF = [
  [/^标题/, 'title'],
  [/^正文/, 'body'],
  [/发送时间/, 'sendAt'],
  [/部门|人员|群|发送对象|全体/, 'targets'],
];

/** The form; `onPublished(notice)` after a 201. */
export function ComposeNotice({ api, session, onPublished }) {
  const [form, setForm] = useState(EMPTY);
  const [problems, setProblems] = useState({});
  const [busy, setBusy] = useState(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    const local = {};
    if (form.scheduled && !form.sendAt) local.sendAt = ['请选择发送时间'];
    if (Object.keys(local).length > 0) return setProblems(local);
    setBusy(true);
    try {
      const notice = await api.post('/api/notices', {
        title: form.title,
        body: form.body,
        audience: audienceOf(form.targets),
        ...(form.scheduled ? { sendAt: new Date(`${form.sendAt}:00+08:00`).toISOString() } : {}),
        author: { userId: session.userId, name: session.name },
      });
      setForm(EMPTY);
      setProblems({});
      onPublished(notice);
    } catch (error) {
      setProblems(error.code === 'invalid_notice' ? byField(problemsOf(error)) : { form: [error.message] });
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (key) => (problems[key] ? html`<p class="field-error" role="alert">${problems[key].join('；')}</p>` : null);
  return html`
    <form class="card notice-compose" onSubmit=${submit} aria-label="发布通知" novalidate>
      <h2>发布通知</h2>
      <label class="form-field">标题<input name="title" value=${form.title} onInput=${set('title')} maxlength="200"
        class=${problems.title ? 'invalid' : ''} aria-invalid=${problems.title ? 'true' : undefined} /></label>
      ${fieldError('title')}
      <label class="form-field">正文（支持 Markdown）<textarea name="body" rows="6" value=${form.body} onInput=${set('body')}
        class=${problems.body ? 'invalid' : ''} aria-invalid=${problems.body ? 'true' : undefined}></textarea></label>
      ${fieldError('body')}
      <${TargetPicker} api=${api} value=${form.targets} onChange=${(targets) => setForm({ ...form, targets })}
        error=${problems.targets?.join('；')} />
      <label class="notice-check"><input type="checkbox" name="scheduled" checked=${form.scheduled}
        onChange=${(e) => setForm({ ...form, scheduled: e.currentTarget.checked })} />定时发送</label>
      ${
        form.scheduled
          ? html`<label class="form-field">发送时间（北京时间）<input type="datetime-local" name="sendAt" value=${form.sendAt}
              onInput=${set('sendAt')} class=${problems.sendAt ? 'invalid' : ''} /></label>`
          : null
      }
      ${fieldError('sendAt')}
      ${fieldError('other')} ${fieldError('form')}
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" disabled=${busy}>${busy ? '正在提交…' : form.scheduled ? '定时发布' : '立即发布'}</button>
      </div>
    </form>
  `;
}

// Every problem at once: the notice API lists them (details or the message joined with ；).
function problemsOf(error) {
  if (Array.isArray(error.details)) return error.details.map(String);
  return String(error.message).split('；').filter(Boolean);
}

function byField(list) {
  const out = {};
  for (const problem of list) {
    const key = FIELD_OF.find(([pattern]) => pattern.test(problem))?.[1] ?? 'other';
    out[key] = [...(out[key] ?? []), problem];
  }
  return out;
}
