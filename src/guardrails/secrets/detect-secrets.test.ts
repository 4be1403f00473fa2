import { describe, expect, it } from 'vitest';
import { detectSecrets } from './detect-secrets.js';

const found = (text: string) =>
  detectSecrets(text).map((finding) => [finding.type, text.slice(finding.start, finding.end)]);

describe('detectSecrets', () => {
  it('recognises provider and cloud keys, tokens, private keys and JWTs', () => {
    expect(found('AWS key AKIAIOSFODNN7EXAMPLE')).toEqual([['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE']]);
    expect(found(`token ghp_${'a1B2c3D4e5'.repeat(4)}`)[0]?.[0]).toBe('GITHUB_TOKEN');
    expect(found(`sk-proj-${'Ab3dEf6hIj'.repeat(5)}`)[0]?.[0]).toBe('OPENAI_API_KEY');
    expect(found(`sk-ant-api03-${'xY9_zW8-vU'.repeat(4)}`)[0]?.[0]).toBe('ANTHROPIC_API_KEY');
    expect(found('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----')[0]?.[0]).toBe(
      'PRIVATE_KEY',
    );
    const jwt =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(found(`Bearer ${jwt}`)).toEqual([['JWT', jwt]]);
  });

  it('reports only the password of a connection string', () => {
    expect(found('postgres://app:S3cr3t-P4ss@db.internal:5432/app')).toEqual([
      ['CONNECTION_STRING', 'S3cr3t-P4ss'],
    ]);
  });

  it('needs randomness for generic assignments', () => {
    expect(found('password = "aaaaaaaaaaaaaaaaaaaa"')).toEqual([]);
    expect(found('api_key: "q8Zr2LmX9vTb4NcW7pKe"')).toEqual([['GENERIC_SECRET', 'q8Zr2LmX9vTb4NcW7pKe']]);
  });
});
