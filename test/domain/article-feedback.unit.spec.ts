import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { ArticleFeedbackEvent } from '../../src/domain/articles/index.js';
import { articleFeedbackDecider } from '../../src/domain/articles/index.js';
import { ValidationError } from '../../src/domain/errors.js';
import { ticketDecider } from '../../src/domain/ticket/index.js';
import type { TicketEvent } from '../../src/domain/ticket/index.js';
import { deciderSpec } from '../support/decider-spec.js';
import { fold, opened } from '../support/ticket-events.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const at = now.toISOString();
const articleId = '7f1c2d6e-0000-4000-8000-0000000000a1';
const userId = '7f1c2d6e-0000-4000-8000-0000000000b1';
const otherUserId = '7f1c2d6e-0000-4000-8000-0000000000b2';

const voted = (helpful: boolean, comment: string | null = null, by = userId): ArticleFeedbackEvent => ({ type: 'ArticleFeedbackGiven', data: { userId: by, helpful, comment, at } });

const feedback = suite('article: feedback and comments');
const articles = deciderSpec(articleFeedbackDecider);

feedback('a vote is recorded with its trimmed comment', () => {
  articles.given([]).when({ type: 'GiveFeedback', userId, helpful: true, comment: '  thanks ', now }).then([voted(true, 'thanks')]);
});

feedback('the same vote again records nothing; a changed vote replaces the earlier one', () => {
  articles.given([voted(true)]).when({ type: 'GiveFeedback', userId, helpful: true, comment: null, now }).then([]);
  articles.given([voted(true)]).when({ type: 'GiveFeedback', userId, helpful: false, comment: null, now }).then([voted(false)]);
  const state = [voted(true), voted(false), voted(true, null, otherUserId)].reduce(articleFeedbackDecider.evolve, articleFeedbackDecider.initialState());
  assert.equal(state.votes, { [userId]: { helpful: false, comment: null }, [otherUserId]: { helpful: true, comment: null } });
});

feedback('rejects an overlong vote comment and an empty article comment', () => {
  articles.given([]).when({ type: 'GiveFeedback', userId, helpful: true, comment: 'x'.repeat(2001), now }).thenThrows(ValidationError, /comment/);
  articles.given([]).when({ type: 'CommentOnArticle', commentId: otherUserId, authorId: userId, body: '   ', now }).thenThrows(ValidationError, /comment/);
  articles
    .given([])
    .when({ type: 'CommentOnArticle', commentId: otherUserId, authorId: userId, body: ' Helpful! ', now })
    .then([{ type: 'ArticleCommented', data: { commentId: otherUserId, authorId: userId, body: 'Helpful!', at } }]);
});

feedback.run();

const links = suite('ticket: linked articles');
const tickets = deciderSpec(ticketDecider);
const articleLinked: TicketEvent = { type: 'TicketArticleLinked', data: { articleId, at } };

links('links a readable article once; linking it again records nothing', () => {
  tickets.given([opened('incident')]).when({ type: 'LinkArticle', articleId, articleReadable: true, now }).then([articleLinked]);
  tickets.given([opened('incident'), articleLinked]).when({ type: 'LinkArticle', articleId, articleReadable: true, now }).then([]);
  assert.equal(fold([opened('incident'), articleLinked, articleLinked]).articleIds, [articleId]);
});

links('refuses an article the caller cannot read (another tenant, or hidden from them)', () => {
  tickets.given([opened('incident')]).when({ type: 'LinkArticle', articleId, articleReadable: false, now }).thenThrows(ValidationError, /article/);
});

links.run();
