// The OpenAPI document's public API. The generator itself is split by concern: traversal.ts walks
// the contract, parameters.ts writes parameters and request bodies, responses.ts the responses,
// errors.ts and oauth.ts the error responses, concurrency.ts conditional requests and
// Idempotency-Key, json-schema.ts the schemas, document.ts the document around them.
export { generateOpenApi, type OpenApiOptions, SECURITY_SCHEME } from './document.ts';
export { operationIdOf, toOpenApiPath } from './traversal.ts';
