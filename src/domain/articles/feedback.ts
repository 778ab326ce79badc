import type { DomainEvent } from '../decider.js';
import { ValidationError } from '../errors.js';

/**
 * Readers' votes and comments on an article. They live in a stream of their own, beside the
 * article's: a vote is no edit, so it must not move the version an author's If-Match names, and
 * a busy article's readers must not contend with its authors for one stream head.
 */

/** A reader's vote; a later one from the same user replaces it, so each user counts once. */
export type ArticleFeedbackGiven = DomainEvent<'ArticleFeedbackGiven', { userId: string; helpful: boolean; comment: string | null; at: string }>;
export type ArticleCommented = DomainEvent<'ArticleCommented', { commentId: string; authorId: string; body: string; at: string }>;
export type ArticleFeedbackEvent = ArticleFeedbackGiven | ArticleCommented;

/** The caller has already been shown the article: who may vote is who may read it. */
export type GiveFeedback = { type: 'GiveFeedback'; userId: string; helpful: boolean; comment: string | null; now: Date };
export type CommentOnArticle = { type: 'CommentOnArticle'; commentId: string; authorId: string; body: string; now: Date };
export type ArticleFeedbackCommand = GiveFeedback | CommentOnArticle;

export interface ArticleFeedback {
  /** userId → that user's current vote; only the latest counts. */
  readonly votes: Readonly<Record<string, { readonly helpful: boolean; readonly comment: string | null }>>;
}

export const articleFeedbackStream = (articleId: string): string => `articlefeedback-${articleId}`;

export function initialState(): ArticleFeedback {
  return { votes: {} };
}

export function evolve(state: ArticleFeedback, event: ArticleFeedbackEvent): ArticleFeedback {
  switch (event.type) {
    case 'ArticleFeedbackGiven':
      return { votes: { ...state.votes, [event.data.userId]: { helpful: event.data.helpful, comment: event.data.comment } } };
    case 'ArticleCommented':
      return state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: ArticleFeedbackCommand, state: ArticleFeedback): ArticleFeedbackEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'GiveFeedback': {
      const comment = requireFeedbackComment(command.comment);
      const previous = state.votes[command.userId];
      // Restating the same vote records nothing: a retried request must not look like a change of mind.
      if (previous && previous.helpful === command.helpful && previous.comment === comment) return [];
      return [{ type: 'ArticleFeedbackGiven', data: { userId: command.userId, helpful: command.helpful, comment, at } }];
    }
    case 'CommentOnArticle': {
      const body = command.body.trim();
      if (body.length === 0 || body.length > 10_000) throw new ValidationError('invalid comment', [{ path: '/body', message: 'between 1 and 10000 characters' }]);
      return [{ type: 'ArticleCommented', data: { commentId: command.commentId, authorId: command.authorId, body, at } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function requireFeedbackComment(raw: string | null): string | null {
  const comment = raw?.trim() ?? '';
  if (comment.length > 2000) throw new ValidationError('invalid comment', [{ path: '/comment', message: 'at most 2000 characters' }]);
  return comment.length === 0 ? null : comment;
}

export const articleFeedbackDecider = { initialState, evolve, decide };
