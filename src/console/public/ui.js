// Small building blocks shared by the views: loading data, an error line, a confirmation dialog, a toast.
import { html, useCallback, useEffect, useRef, useState } from './lib.js';

/** Runs `load()` now and whenever `deps` change; { data, error, loading, reload }. A stale answer is dropped. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((old) => ({ ...old, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, error: undefined, loading: false }),
      (error) => mine === generation.current && setState({ data: undefined, error, loading: false }),
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** The loading line, the error line, or nothing. */
export function LoadState({ loading, error }) {
  if (error) return html`<p class="error-text" role="alert">${error.message}</p>`;
  if (loading) return html`<p class="muted">加载中…</p>`;
  return null;
}

/** A modal asking to confirm `title`; `onConfirm` may be async (its error is shown in the dialog). */
export function ConfirmDialog({ title, children, confirmText = '确定', danger = false, onConfirm, onCancel }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const confirm = async () => {
    setBusy(true);
    setError('');
    try {
      await onConfirm();
    } catch (failure) {
      setError(failure.message);
      setBusy(false);
    }
  };
  return html`
    <div class="dialog-backdrop" role="presentation">
      <div class="dialog" role="dialog" aria-modal="true" aria-label=${title}>
        <h2>${title}</h2>
        <div>${children}</div>
        ${error ? html`<p class="error-text" role="alert">${error}</p>` : null}
        <div class="btn-row">
          <button type="button" class="btn" onClick=${onCancel} disabled=${busy}>取消</button>
          <button type="button" class=${danger ? 'btn btn-danger' : 'btn btn-primary'} onClick=${confirm} disabled=${busy}>
            ${busy ? '请稍候…' : confirmText}
          </button>
        </div>
      </div>
    </div>
  `;
}

/** A message that disappears after a few seconds; returns [element, show(message)]. */
export function useToast() {
  const [message, setMessage] = useState('');
  const timer = useRef(undefined);
  const show = useCallback((text) => {
    clearTimeout(timer.current);
    setMessage(text);
    timer.current = setTimeout(() => setMessage(''), 3500);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return [message ? html`<div class="toast" role="status">${message}</div>` : null, show];
}
