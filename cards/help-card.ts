// The help card: what the bot can do, with a button for each thing that needs no further words.
import { button } from './button.js';
import type { Card } from './card.js';

export const HELP_GUIDE = 'help.guide';
export const HELP_MINE = 'help.mine';

/** The help card; `intro` replaces the greeting (e.g. "没听懂您的意思"). */
export function helpCard(intro = '您好，我是“一次办”政务服务助手，可以帮您在钉钉里办事，最多跑一次。'): Card {
  return {
    title: '一次办 · 我能帮您做什么',
    sections: [
      { kind: 'markdown', text: intro },
      {
        kind: 'markdown',
        text: [
          '- **办事指南**：发送“办事指南”浏览全部事项，或直接发送事项名称，如“开公司”',
          '- **在线申请**：发送“我要办 事项名称”，按卡片逐项填写，材料可上传或授权调取电子证照',
          '- **我的办件**：查看您申请过的办件和办理进度',
          '- **查询 编号**：查看某个办件的详情和办理记录，如“查询 YC20260105-0001”',
          '- **撤回 编号**：作出审批决定前撤回申请',
          '- **评价 编号**：办结后对本次服务作出评价（好差评）',
          '- **核验身份 身份证号**：在单聊中核验本人身份；企业法定代表人核验后可调取本企业电子证照',
          '- **授权经办人 统一社会信用代码 钉钉ID**：法定代表人（或管理员）授权经办人代办本企业事项、调取企业电子证照；“经办人列表 统一社会信用代码”查看，“撤销经办人 统一社会信用代码 钉钉ID”撤销',
        ].join('\n'),
      },
    ],
    buttons: [
      button('办事指南', HELP_GUIDE, { command: '办事指南', style: 'primary' }),
      button('我的办件', HELP_MINE, { command: '我的办件' }),
    ],
    footnote: '在群里请 @我；涉及个人信息的办理会转到与我的单聊中进行。',
  };
}
