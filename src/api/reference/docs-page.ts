import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The reference page: Swagger UI (swagger-ui-dist, from the npm registry) served by this process,
 * so it works on machines without internet. Nothing inline: the start-up code is a served file, so
 * the page keeps working under a Content-Security-Policy of `default-src 'self'`.
 */

const require = createRequire(import.meta.url);
const swaggerUiDirectory = (require('swagger-ui-dist/absolute-path.js') as () => string)();

export interface DocsAsset {
  readonly mediaType: string;
  /** A file of swagger-ui-dist, or text of ours. */
  readonly source: { readonly file: string } | { readonly text: string };
}

// Starts Swagger UI on the document this process serves. `validatorUrl: null` keeps the page from
// calling swagger.io to validate the document (there is no internet, and it would leak our API).
const START_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE_STYLE = `body { margin: 0; background: #fafafa; }
.reference-header { padding: 12px 20px; background: #1b1f24; color: #fff; font: 600 16px/1.4 system-ui, sans-serif; }
.reference-header a { color: inherit; }
`;

export const DOCS_ASSETS: Readonly<Record<string, DocsAsset>> = {
  'swagger-ui-bundle.js': { mediaType: 'text/javascript; charset=utf-8', source: { file: join(swaggerUiDirectory, 'swagger-ui-bundle.js') } },
  'swagger-ui.css': { mediaType: 'text/css; charset=utf-8', source: { file: join(swaggerUiDirectory, 'swagger-ui.css') } },
  'favicon-32x32.png': { mediaType: 'image/png', source: { file: join(swaggerUiDirectory, 'favicon-32x32.png') } },
  'reference.js': { mediaType: 'text/javascript; charset=utf-8', source: { text: START_SCRIPT } },
  'reference.css': { mediaType: 'text/css; charset=utf-8', source: { text: PAGE_STYLE } },
};

export const DOCS_ASSET_NAMES: readonly string[] = Object.keys(DOCS_ASSETS);

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>itsm API reference</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/assets/reference.css">
</head>
<body>
<header class="reference-header">itsm API reference · <a href="/openapi.json">openapi.json</a></header>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/reference.js"></script>
</body>
</html>
`;

/**
 * The page's own policy: scripts, styles and fetches from this origin only. Images may be `data:`
 * URIs because Swagger UI's stylesheet draws its icons that way.
 */
export const DOCS_CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
