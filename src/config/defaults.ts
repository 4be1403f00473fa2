/**
 * What Gatehouse serves with no config file: providers detected from the environment, each reachable
 * as `<provider>/<model>`, and the built-in mock provider as model `mock`, so a newcomer can send a
 * first request with no account anywhere.
 */
export interface DetectedConfig {
  providers: Record<string, unknown>[];
  models: Record<string, unknown>[];
}

const detectable = [
  { env: 'OPENAI_API_KEY', id: 'openai', type: 'openai' },
  { env: 'ANTHROPIC_API_KEY', id: 'anthropic', type: 'anthropic' },
  { env: 'GEMINI_API_KEY', id: 'gemini', type: 'gemini' },
] as const;

export function detectDefaultConfig(env: NodeJS.ProcessEnv): DetectedConfig {
  const providers: Record<string, unknown>[] = [{ id: 'mock', type: 'mock' }];
  const models: Record<string, unknown>[] = [
    {
      name: 'mock',
      description: 'Built-in mock model: fake answers for demos and tests',
      targets: [{ provider: 'mock', model: 'mock-1' }],
    },
  ];
  for (const candidate of detectable) {
    const key = env[candidate.env];
    if (key === undefined || key === '') continue;
    providers.push({ id: candidate.id, type: candidate.type, api_key: key });
    models.push({
      name: `${candidate.id}/*`,
      description: `Any ${candidate.type} model, e.g. ${candidate.id}/<model>`,
      targets: [{ provider: candidate.id, model: '*' }],
    });
  }
  return { providers, models };
}
