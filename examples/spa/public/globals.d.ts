// The global that oidc-client-ts's browser build (dist/browser/oidc-client-ts.min.js) defines.
declare const oidc: typeof import('oidc-client-ts');
