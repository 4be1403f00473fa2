/**
 * Registry prompts read from a gateway's REST API (`GET /api/prompts/:name/labels/:label`,
 * `…/versions/:n`), for the CLI running a suite against a remote gateway. The key decides the tenant
 * and project, as for every control-plane call.
 */
import { request } from 'undici';
import type { PromptReference } from '../../prompts/reference.js';
import type { PromptVersion } from '../../prompts/types.js';
import type { PromptVersionSource } from './pin-prompts.js';

export function restPromptSource(options: {
  baseUrl: string;
  apiKey?: string | undefined;
}): PromptVersionSource {
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> =
    options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };
  return {
    async versionAt(reference: PromptReference): Promise<PromptVersion> {
      const selector =
        reference.version === null
          ? `labels/${encodeURIComponent(reference.label ?? '')}`
          : `versions/${reference.version}`;
      const response = await request(
        `${base}/api/prompts/${encodeURIComponent(reference.name)}/${selector}`,
        {
          headers,
        },
      );
      const body = (await response.body.json()) as PromptVersion & { error?: { message?: string } };
      if (response.statusCode >= 400)
        throw new Error(body.error?.message ?? `the gateway answered ${response.statusCode}`);
      return body;
    },
  };
}
