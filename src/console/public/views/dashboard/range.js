// The dashboard's date range: two date inputs and the presets 近7天 / 近30天 / 本月, counted back from the
// server's today (the sandbox clock may run ahead of the browser's), all as China days (YYYY-MM-DD).
import { html, useEffect, useState } from '../../lib.js';

/** `day` moved by `n` calendar days. */
export function shiftDay(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The presets, each a range ending today (本月: from the first of the month). */
export const PRESETS = [
  { id: '7', label: '近7天', range: (today) => ({ from: shiftDay(today, -6), to: today }) },
  { id: '30', label: '近30天', range: (today) => ({ from: shiftDay(today, -29), to: today }) },
  { id: 'month', label: '本月', range: (today) => ({ from: `${today.slice(0, 8)}01`, to: today }) },
];

/** The picker: presets as buttons, then 从 … 至 … with 查询. */
export function RangePicker({ range, today, onChange }) {
  const [form, setForm] = useState(range);
  const [error, setError] = useState('');
  useEffect(() => setForm(range), [range.from, range.to]);
  const active = PRESETS.find((p) => today && sameRange(p.range(today), range));
  const submit = (event) => {
    event.preventDefault();
    if (!form.from || !form.to) return setError('请选择开始和结束日期');
    if (form.from > form.to) return setError('开始日期不能晚于结束日期');
    setError('');
    onChange({ from: form.from, to: form.to });
  };
  return html`
    <form class="card filters dash-range" onSubmit=${submit} aria-label="统计时间范围">
      <div class="btn-row dash-presets" role="group" aria-label="快捷范围">
        ${PRESETS.map(
          (preset) => html`<button type="button" class=${preset === active ? 'btn btn-small btn-primary' : 'btn btn-small'}
            aria-pressed=${preset === active ? 'true' : 'false'} disabled=${!today}
            onClick=${() => onChange(preset.range(today))}>${preset.label}</button>`,
        )}
      </div>
      <label>从<input type="date" name="from" value=${form.from} max=${today} onInput=${(e) => setForm({ ...form, from: e.currentTarget.value })} /></label>
      <label>至<input type="date" name="to" value=${form.to} max=${today} onInput=${(e) => setForm({ ...form, to: e.currentTarget.value })} /></label>
      <button type="submit" class="btn btn-primary">查询</button>
      ${error ? html`<p class="field-error" role="alert">${error}</p>` : null}
    </form>
  `;
}

function sameRange(a, b) {
  return a.from === b.from && a.to === b.to;
}
