export type { EmailKind, EmailTemplate, EmailTemplateCommand, EmailTemplateEvent } from './email-template.js';
export { EMAIL_KINDS, emailTemplateDecider, emailTemplateStream, isEmailKind } from './email-template.js';
