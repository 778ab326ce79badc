import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Authors write Markdown, which may carry raw HTML; readers get HTML. The sanitizer's defaults
 * keep formatting and drop scripts, event-handler attributes and non-http(s)/mailto URLs, so
 * nothing an author writes runs in a reader's browser.
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true });
  return sanitizeHtml(html, { allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img'], allowedSchemes: ['http', 'https', 'mailto'] });
}

export function withHtml<T extends { readonly body: string }>(record: T): T & { readonly bodyHtml: string } {
  return { ...record, bodyHtml: renderMarkdown(record.body) };
}
