/**
 * Inputs that broke servers before: unicode edge cases, numbers that are not quite numbers,
 * ids that are not quite ids, traversal and injection strings. None contains the markers the
 * stack-trace check looks for (`Error:`, `    at `, source paths), so an echo of an input in an
 * error message is never mistaken for a leak.
 */
export const UNICODE_STRINGS = [
  '\u0000',
  'nul\u0000inside',
  '\u0000\u0000\u0000',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'a\ud83dz', // half an emoji
  '\u202eevil\u202c', // right-to-left override
  '\u200f\u05e9\u05dc\u05d5\u05dd', // RTL mark, Hebrew
  '\u0645\u0631\u062d\u0628\u0627', // Arabic
  '\ufeffbom',
  '\u200b\u200c\u200d\u2060', // zero-width characters
  '\u{1f600}\u{1f469}\u200d\u{1f469}\u200d\u{1f467}', // emoji, ZWJ family
  '\u{1f1fa}\u{1f1f8}', // flag
  'e\u0301\u0301\u0301\u0301', // stacked combining marks
  'Z\u0351\u0360\u036b\u0344\u036a\u0352\u030d\u0353\u0330',
  '\u00e9t\u00e9', // precomposed
  '\uff21\uff22\uff23', // fullwidth
  '\u0130stanbul', // dotted capital I: lower-cases to two code points
  '\u00df', // sharp s: upper-cases to SS
  '\u212a', // Kelvin sign: lower-cases to k
  '\r\n\t\u000b\u000c',
  '\u0085\u2028\u2029', // next line, line and paragraph separators
  '\u001b[31mred\u001b[0m', // terminal escape
  '\ufffd\uffff\ufffe',
  '\u{10ffff}',
  '\u4e2d\u6587\u540d\u5b57',
];

export const INJECTION_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '%',
  '_',
  '\\',
  '%_%\\%',
  '$1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style probe, on purpose
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '%s%s%s%n',
  '?x=1&y=2#frag',
  'a b',
  ' ',
  '',
];

export const NUMBER_LIKE_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  '0x10',
  '0b1',
  '0o7',
  ' 1',
  '1 ',
  '+1',
  '1_000',
  '9007199254740993',
  '99999999999999999999999999',
  '2147483648',
  '-2147483649',
  '１',
  '٣',
];

export const BOUNDARY_NUMBERS = [
  0,
  -0,
  -1,
  1,
  1.5,
  -1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.EPSILON,
];

/** Not quite UUIDs, and UUIDs that name nothing. */
export const BAD_IDS = [
  'not-a-uuid',
  '0',
  '-1',
  '1',
  '00000000-0000-0000-0000-000000000000', // nil: valid syntax, names nothing
  'ffffffff-ffff-ffff-ffff-ffffffffffff', // max: valid syntax, names nothing
  '00000000-0000-0000-0000-00000000000', // one digit short
  '00000000-0000-0000-0000-0000000000000', // one digit long
  '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d2g', // not hex
  '0199b2f63c6e7d4a9b1e2f4f8a6c1d20', // no dashes
  '{0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20}',
  'urn:uuid:0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20',
  '0199B2F6-3C6E-7D4A-9B1E-2F4F8A6C1D20', // upper case: valid, names nothing
  '0199b2f6-3c6e-0d4a-9b1e-2f4f8a6c1d20', // version 0
  '0199b2f6-3c6e-7d4a-cb1e-2f4f8a6c1d20', // wrong variant
  ' 0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20',
  '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20\n',
  '0199b2f6-3c6e-7d4a-9b1e-2f4f8a6c1d20\u0000',
  'usr_abc123',
  '01HQ3X5Z7Y8W9V0U1T2S3R4Q5P',
];

/** Path parameter values meant to escape their segment. */
export const TRAVERSAL_STRINGS = [
  '..',
  '.',
  '../..',
  '../../realms',
  '../../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2frealms',
  '..%2f..%2fmaster',
  '%252e%252e%252f',
  '%c0%ae%c0%ae',
  '..;/',
  '/',
  '//',
  'master/../master',
];

/** Raw percent sequences a decoder must refuse gracefully (sent as they are, not encoded again). */
export const RAW_BAD_PERCENT = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%ED%A0%80', '%uD800', '%%41'];
