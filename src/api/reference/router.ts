import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import { NotFoundError } from '../../domain/errors.js';
import type { AppContext, AppState } from '../context.js';
import { DOCS_ASSETS, DOCS_CONTENT_SECURITY_POLICY, DOCS_PAGE } from './docs-page.js';
import type { DocsAsset } from './docs-page.js';
import { openApiDocument } from './document.js';

interface Served {
  readonly body: Buffer;
  readonly etag: string;
}

const served = (body: Buffer): Served => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });

/**
 * Answers with a fixed representation: strong ETag, and 304 when the client already holds it.
 * The reference changes only with a deploy, so clients revalidate (`no-cache`) rather than guess.
 */
function send(ctx: AppContext, representation: Served, mediaType: string, cacheControl: string): void {
  ctx.set('Cache-Control', cacheControl);
  ctx.set('ETag', representation.etag);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = mediaType;
  ctx.body = representation.body;
}

let documentCache: Served | undefined;

/** Built on first request, once per process: the document never changes while the process runs, and most processes never serve it. */
function builtDocument(): Served {
  documentCache ??= served(Buffer.from(JSON.stringify(openApiDocument())));
  return documentCache;
}

/**
 * `/openapi.json` (also under `/api/v1`) and `/docs`: the API's OpenAPI document and the page that
 * renders it. Public: the reference is no secret, and nothing here touches a tenant.
 */
export function referenceRouter(): Router<AppState> {
  const router = new Router<AppState>();
  const page = served(Buffer.from(DOCS_PAGE));
  // Read on first use: most processes never serve the page, and the bundle is over a megabyte.
  const assets = new Map<string, Promise<Served>>();
  const load = (asset: DocsAsset): Promise<Served> => ('file' in asset.source ? readFile(asset.source.file).then(served) : Promise.resolve(served(Buffer.from(asset.source.text))));

  const sendDocument = (ctx: AppContext): void => send(ctx, builtDocument(), 'application/json; charset=utf-8', 'no-cache');
  router.get('/openapi.json', sendDocument);
  router.get('/api/v1/openapi.json', sendDocument);

  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
    send(ctx, page, 'text/html; charset=utf-8', 'no-cache');
  });

  router.get('/docs/assets/:file', async (ctx) => {
    const name = (ctx.params as Record<string, string | undefined>).file ?? '';
    const asset = Object.hasOwn(DOCS_ASSETS, name) ? DOCS_ASSETS[name] : undefined;
    if (!asset) throw new NotFoundError('no such file');
    let loaded = assets.get(name);
    if (!loaded) {
      loaded = load(asset);
      // A failed read is not remembered: the next request tries again.
      loaded.catch(() => assets.delete(name));
      assets.set(name, loaded);
    }
    // Revalidated hourly: the files change only when swagger-ui-dist is upgraded.
    send(ctx, await loaded, asset.mediaType, 'public, max-age=3600');
  });

  return router;
}
