import type { Knex } from 'knex';
import type { EmailKind, EmailTemplateCommand } from '../../domain/email-template/index.js';
import { emailTemplateDecider, emailTemplateStream } from '../../domain/email-template/index.js';
import { ValidationError } from '../../domain/errors.js';
import type { LogPosition } from '../../eventstore/types.js';
import type { RenderedEmail, TemplateSource } from '../../notifications/templates.js';
import { SAMPLE_DATA, renderTemplate, templateProblems } from '../../notifications/templates.js';
import type { CommandDependencies } from '../handle.js';
import { handleCommand } from '../handle.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CommandContext } from '../metadata.js';

export interface EmailTemplateDependencies {
  readonly commands: CommandDependencies;
  readonly knex: Knex;
  readonly clock: () => Date;
}

export async function saveEmailTemplate(
  deps: EmailTemplateDependencies,
  actor: Actor,
  kind: EmailKind,
  input: TemplateSource,
  context: CommandContext,
  expectedVersion?: number,
): Promise<{ readonly position: LogPosition | null }> {
  authorize(actor, 'notifications.manage');
  const command: EmailTemplateCommand = { type: 'SaveEmailTemplate', tenantId: actor.tenantId, kind, ...input, problems: templateProblems(input), now: context.now };
  const options = expectedVersion !== undefined ? { expectedVersion } : {};
  const result = await handleCommand(deps.commands, emailTemplateDecider, emailTemplateStream(actor.tenantId, kind), command, context, options);
  return { position: result.position };
}

/** Renders with sample data, so an admin sees a draft before saving it; nothing is appended. */
export function previewEmailTemplate(actor: Actor, source: TemplateSource): RenderedEmail {
  authorize(actor, 'notifications.manage');
  const problems = templateProblems(source);
  if (problems.length > 0) throw new ValidationError('the template is not valid', problems);
  return renderTemplate(source, SAMPLE_DATA);
}
