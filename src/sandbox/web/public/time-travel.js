// 时间快进: shows the sandbox clock (Beijing time) and moves it ahead by whole working days, so deadline
// warnings, 容缺 reminders and the 09:00 digest arrive while you watch.
import { api } from './api.js';

const FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: 'numeric',
  day: 'numeric',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

export class TimeTravel {
  constructor(form, label, days, toast) {
    this.form = form;
    this.label = label;
    this.days = days;
    this.toast = toast;
    this.offset = 0;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.jump();
    });
    setInterval(() => this.draw(), 30_000);
  }

  async refresh() {
    try {
      const { now } = await api('/clock');
      this.offset = Date.parse(now) - Date.now();
      this.draw();
    } catch (error) {
      this.toast(error.message);
    }
  }

  async jump() {
    const workingDays = Number(this.days.value);
    const button = this.form.querySelector('button');
    button.disabled = true;
    try {
      const { now } = await api('/clock/advance', { workingDays });
      this.offset = Date.parse(now) - Date.now();
      this.draw();
      this.toast(`已快进 ${workingDays} 个工作日：${FORMAT.format(new Date(now))}`);
    } catch (error) {
      this.toast(error.message);
    } finally {
      button.disabled = false;
    }
  }

  draw() {
    this.label.textContent = `沙箱时间 ${FORMAT.format(new Date(Date.now() + this.offset))}`;
  }
}
