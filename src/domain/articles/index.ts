export type { Article, ArticleCategory, ArticleCommand, ArticleContent, ArticleEvent, ArticleKind, ArticleStatus, Audience, ContentInput, ExistingArticle } from './article.js';
export { ARTICLE_KINDS, AUDIENCES, articleDecider, articleStream, currentContent, publishedContent } from './article.js';
export type { VersionContent, VersionDiff } from './version-diff.js';
export { diffVersions } from './version-diff.js';
export type { ArticleCommented, ArticleFeedback, ArticleFeedbackCommand, ArticleFeedbackEvent, ArticleFeedbackGiven } from './feedback.js';
export { articleFeedbackDecider, articleFeedbackStream } from './feedback.js';
