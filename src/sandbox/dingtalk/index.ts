// Embedded DingTalk simulator: public entry point.
export { startDingTalkSimulator } from './simulator.js';
export { loadSandboxOrg, createOrgIndex } from './org.js';
export type { SandboxOrg, SandboxUser, SandboxDepartment, SandboxGroup, SandboxRole, SandboxIdentity } from './org.js';
export { singleConversationId, userOfSingleConversation } from './ids.js';
export { parseOpenSpaceId } from './card-model.js';
export { msgKeys } from './msg-catalogue.js';
export { TOPIC_ROBOT, TOPIC_CARD } from './frames.js';
export type { StreamFrame } from './frames.js';
export type {
  SimOptions,
  DingTalkSimulator,
  InjectMessage,
  InjectResult,
  InjectConversation,
  ClickInput,
  ClickResult,
  FailureSpec,
  RecordedCall,
  RecordedAck,
  PushedFrame,
  SimCard,
  BotOutput,
  BotOutputVia,
} from './types.js';
