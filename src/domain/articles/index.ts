export type { Article, ArticleCategory, ArticleCommand, ArticleContent, ArticleEvent, ArticleKind, ArticleStatus, ArticleFeedbackGiven, ArticleCommented, Audience, ContentInput, ExistingArticle } from './article.js';
export { ARTICLE_KINDS, AUDIENCES, articleDecider, articleStream, currentContent } from './article.js';
