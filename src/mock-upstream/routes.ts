/**
 * Every route of the mock upstream, in one list: the server matches method and path against it in
 * order. Each wire format contributes its own routes from its own file.
 */
import { anthropicRoutes } from './anthropic-routes.js';
import { azureRoutes } from './azure-routes.js';
import type { Route } from './exchange.js';
import { geminiRoutes } from './gemini-routes.js';
import { openAIRoutes } from './openai-routes.js';

export const routes: readonly Route[] = [
  ...openAIRoutes,
  ...azureRoutes,
  ...geminiRoutes,
  ...anthropicRoutes,
];
