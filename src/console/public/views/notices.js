// 通知: compose a notice (title, markdown body, targets from the organisation, optional time) and follow each
// notice's progress and delivery report; cancel asks for confirmation. Everything typed is shown as text.
import { html, useState } from '../lib.js';
import { ComposeNotice } from './notices/compose.js';
import { NoticeList } from './notices/report.js';

export default function NoticesView({ api, session }) {
  const [published, setPublished] = useState({ id: undefined, version: 0 });
  return html`
    <section class="view notice-view">
      <div class="view-head"><h1 class="view-title">通知</h1></div>
      <div class="notice-layout">
        <${ComposeNotice} api=${api} session=${session}
          onPublished=${(notice) => setPublished({ id: notice.id, version: published.version + 1 })} />
        <${NoticeList} api=${api} highlight=${published.id} version=${published.version} />
      </div>
    </section>
  `;
}
