// One ECharts chart (served by the console at /console/vendor/echarts.js). ECharts is loaded when the first chart
// mounts, so the figures and tables show even if it fails to load. Tooltips are drawn on the canvas (richText):
// HTML tooltips carry inline style attributes, which the console's CSP forbids. The chart follows its box's size (.dash-chart).
import { html, useEffect, useRef, useState } from '../../lib.js';

let loading;
const loadEcharts = () => (loading ??= import('/console/vendor/echarts.js'));

/** A chart of `option` (an ECharts option object); `label` is read out instead of the drawing. */
export function Chart({ option, label }) {
  const box = useRef(undefined);
  const chart = useRef(undefined);
  const latest = useRef(option);
  const [failed, setFailed] = useState(false);
  latest.current = option;

  useEffect(() => {
    let gone = false;
    let observer;
    loadEcharts().then(
      (echarts) => {
        if (gone || !box.current) return;
        chart.current = echarts.init(box.current, undefined, { renderer: 'canvas' });
        chart.current.setOption(withDefaults(latest.current));
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(box.current);
      },
      () => setFailed(true),
    );
    return () => {
      gone = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(withDefaults(option), true);
  }, [option]);

  if (failed) return html`<p class="muted">图表加载失败，请查看下方数据表。</p>`;
  return html`<div class="dash-chart" ref=${box} role="img" aria-label=${label}></div>`;
}

function withDefaults(option) {
  return {
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0 },
    ...option,
    // One matter or one day would otherwise give bars as wide as the chart.
    series: (option.series ?? []).map((series) => (series.type === 'bar' ? { barMaxWidth: 36, ...series } : series)),
    tooltip: { trigger: 'axis', renderMode: 'richText', ...option.tooltip },
  };
}

/** Received / accepted / completed per day. */
export function dailyOption(days) {
  const x = days.map((d) => d.day.slice(5));
  return {
    xAxis: { type: 'category', data: x },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '收件', type: 'bar', data: days.map((d) => d.received) },
      { name: '受理', type: 'bar', data: days.map((d) => d.accepted) },
      { name: '办结', type: 'line', data: days.map((d) => d.completed) },
    ],
  };
}

/** On-time rate and satisfaction per group, as percentages. */
export function ratesOption(groups) {
  const percent = (rate) => Math.round(rate * 1000) / 10;
  return {
    xAxis: { type: 'category', data: groups.map((g) => g.name), axisLabel: { interval: 0, rotate: groups.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: '按时办结率', type: 'bar', data: groups.map((g) => percent(g.onTimeRate)) },
      { name: '满意率', type: 'bar', data: groups.map((g) => percent(g.satisfactionRate)) },
      { name: '差评占比', type: 'bar', data: groups.map((g) => percent(g.dissatisfiedShare)) },
    ],
  };
}

/** 零上门 and 最多跑一次 shares per matter, as percentages. */
export function visitsOption(groups) {
  const percent = (rate) => Math.round(rate * 1000) / 10;
  return {
    xAxis: { type: 'category', data: groups.map((g) => g.name), axisLabel: { interval: 0, rotate: groups.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: '零上门占比', type: 'bar', data: groups.map((g) => percent(g.zeroVisitShare)) },
      { name: '最多跑一次占比', type: 'bar', data: groups.map((g) => percent(g.atMostOneVisitShare)) },
    ],
  };
}
