/**
 * The prompt registry's vocabulary: prompts, their immutable versions, labels and label moves,
 * experiments. Types only.
 */
import type { ChatMessage, FunctionTool, ResponseFormat, Role } from '../providers/canonical.js';

export type PromptType = 'text' | 'chat';

/** `any` is what a template uses as a mustache section (`{{#items}}…{{/items}}`) without a declaration. */
export type VariableType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'messages' | 'any';

export interface VariableDeclaration {
  name: string;
  type: VariableType;
  required: boolean;
  description?: string;
}

/** The model call a version makes; the request's own values win over these. */
export interface PromptModelConfig {
  /** A model name configured on the gateway (`gpt-4o-mini`, `fast`, `openai/gpt-4.1`). */
  model?: string;
  temperature?: number;
  max_tokens?: number;
  response_format?: ResponseFormat;
  tools?: FunctionTool[];
}

/** One message of a chat template, or a placeholder that a `messages` variable fills with a list. */
export type ChatTemplateMessage = { role: Role; content: string } | { type: 'placeholder'; name: string };

/** A text prompt's template is one string; a chat prompt's is a message list. */
export type PromptTemplate = string | ChatTemplateMessage[];

/** What a variable not declared by the version does: ignored, or a 400. */
export type ExtraVariablesPolicy = 'ignore' | 'reject';

/** Tenant and project a prompt belongs to. */
export interface PromptScope {
  tenantId: string;
  projectId: string;
}

/** What a push submits: the content of a would-be version. */
export interface PromptDefinition {
  name: string;
  type: PromptType;
  template: PromptTemplate;
  config: PromptModelConfig;
  /** Declared variables; those the template uses without a declaration are added as required strings. */
  variables: VariableDeclaration[];
  tags: string[];
  extraVariables: ExtraVariablesPolicy;
  commitMessage: string | null;
}

export interface PromptVersion extends PromptDefinition {
  version: number;
  createdBy: string;
  createdAt: number;
}

export interface PromptSummary {
  name: string;
  type: PromptType;
  latestVersion: number;
  /** Label → version. */
  labels: Record<string, number>;
  tags: string[];
  createdAt: number;
}

/** Why a label moved. */
export type LabelAction = 'push' | 'promote' | 'rollback' | 'ship' | 'remove';

/** One audited label move. A null `fromVersion` created the label; a null `toVersion` removed it. */
export interface LabelMove {
  id: string;
  name: string;
  label: string;
  fromVersion: number | null;
  toVersion: number | null;
  action: LabelAction;
  actor: string;
  reason: string | null;
  createdAt: number;
}

export interface ExperimentVariant {
  name: string;
  version: number;
  /** Percent of the label's traffic, 0–100; all variants sum to 100. */
  weight: number;
}

/** Which requests enter an experiment: all of them, or those whose `metadata` has every listed value. */
export interface ExperimentSegment {
  metadata: Record<string, string>;
}

export type ExperimentStatus = 'running' | 'stopped' | 'shipped';

export interface Experiment {
  id: string;
  promptName: string;
  label: string;
  status: ExperimentStatus;
  variants: ExperimentVariant[];
  segment: ExperimentSegment | null;
  shippedVariant: string | null;
  createdBy: string;
  createdAt: number;
  endedAt: number | null;
}

/** A chat message list a `messages` variable carries. */
export type MessageList = ChatMessage[];
