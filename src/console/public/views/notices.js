// Placeholder until part B of the console (the "console-dash" helper) replaces this view with the real one;
// it exists so that the shell loads.
import { html } from '../lib.js';

export default function NoticesView() {
  return html`<section class="view"><h1 class="view-title">通知</h1><p class="muted">加载中</p></section>`;
}
