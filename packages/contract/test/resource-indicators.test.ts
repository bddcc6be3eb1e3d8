import { describe, expect, it } from 'vitest';
import { resourceIndicatorProblem } from '../src/resources/resource.schemas.ts';

/** The rule on its own, with the public URLs a deployment has (https, a path prefix). */
describe('resourceIndicatorProblem', () => {
  it('reserves the server’s public URL and everything under it, however it is spelled', () => {
    const base = 'https://auth.example.com';
    for (const indicator of [
      'https://auth.example.com/api/v1/master',
      'https://auth.example.com',
      'https://AUTH.example.com:443/api/v1/acme',
      'https://auth.example.com/anything?x=1',
    ]) {
      expect(resourceIndicatorProblem(indicator, base), indicator).toMatch(/reserved/);
    }
    for (const indicator of ['https://auth.example.com.attacker.example/api/v1/master', 'https://api.example.com']) {
      expect(resourceIndicatorProblem(indicator, base), indicator).toBeUndefined();
    }
  });

  it('with a path in the public URL, reserves that path as whole segments', () => {
    const base = 'https://example.com/auth';
    expect(resourceIndicatorProblem('https://example.com/auth/api/v1/master', base)).toMatch(/reserved/);
    expect(resourceIndicatorProblem('https://example.com/auth', base)).toMatch(/reserved/);
    expect(resourceIndicatorProblem('https://example.com/authors', base)).toBeUndefined();
    expect(resourceIndicatorProblem('https://example.com/api', base)).toBeUndefined();
  });

  it('accepts https:, urn: and http: on loopback only, without user information or fragment', () => {
    const base = 'http://localhost:8080';
    for (const indicator of [
      'https://api.example.com/v1',
      'urn:example:orders',
      'http://localhost:3000',
      'http://127.1:3000',
      'http://[::1]/api',
    ]) {
      expect(resourceIndicatorProblem(indicator, base), indicator).toBeUndefined();
    }
    const refused: [string, RegExp][] = [
      ['http://localhost:8080/api/v1/master', /reserved/],
      ['http://api.example.com', /https/],
      ['http://localhost.attacker.example', /https/],
      ['javascript:alert(1)', /https/],
      ['data:text/plain,x', /https/],
      ['file:///etc/passwd', /https/],
      ['urn:x', /URN/],
      ['https://user:pass@api.example.com', /user information/],
      ['https://@api.example.com', /user information/],
      ['https://api.example.com/#', /fragment/],
      ['not a uri', /absolute URI/],
    ];
    for (const [indicator, message] of refused) {
      expect(resourceIndicatorProblem(indicator, base), indicator).toMatch(message);
    }
  });
});
