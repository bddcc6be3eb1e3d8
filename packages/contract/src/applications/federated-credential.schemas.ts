import { z } from 'zod';
import { MAX_FEDERATED_AUDIENCES } from '../common/limits.ts';
import { Id, Timestamp } from '../common/primitives.ts';

const CredentialName = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Letters, digits, `-`, `_` and `.`, starting with a letter or digit')
  .meta({ description: 'Unique in the application.', example: 'prod-cluster-billing' });

const Issuer = z
  .string()
  .min(1)
  .max(600)
  .meta({
    description:
      "The workload platform's issuer, exactly as its tokens' `iss`: an https URL (its OpenID discovery document, " +
      'or `jwks_uri`, gives the keys).',
    example: 'https://token.actions.githubusercontent.com',
  });

const Subject = z.string().min(1).max(600).meta({
  description: "The workload's identity, exactly as its tokens' `sub`.",
  example: 'repo:acme/billing:ref:refs/heads/main',
});

const Audiences = z
  .array(z.string().min(1).max(600))
  .min(1)
  .max(MAX_FEDERATED_AUDIENCES)
  .meta({
    description:
      "What the platform's tokens must carry in `aud` (one match is enough). Default: the realm's issuer URL, " +
      "which is what a workload asks its platform for (a projected token's `audience`, a CI job's `audience`).",
    example: ['https://auth.example.com/oauth2/acme'],
  });

const IssuerJwksUri = z
  .string()
  .max(2048)
  .meta({
    description:
      "Where the issuer's keys are, when it serves no OpenID discovery document (`{issuer}/.well-known/openid-configuration`). " +
      'An https URL, never a loopback, link-local or private-range address.',
    example: 'https://kubernetes.example.com/openid/v1/jwks',
  });

/**
 * A workload identity an application trusts (Azure's federated identity credentials are the
 * model): a JWT its platform issued, with exactly this `iss` and `sub` and one of `audiences`,
 * authenticates the application as a `client_assertion` (RFC 7523 §2.2).
 */
export const FederatedCredential = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    issuer: z.string(),
    subject: z.string(),
    audiences: z.array(z.string()),
    jwks_uri: z.string().nullable(),
    created_at: Timestamp,
  })
  .meta({ id: 'FederatedCredential' });
export type FederatedCredential = z.infer<typeof FederatedCredential>;

export const CreateFederatedCredentialBody = z
  .strictObject({
    name: CredentialName,
    description: z.string().max(1024).optional(),
    issuer: Issuer,
    subject: Subject,
    audiences: Audiences.optional(),
    jwks_uri: IssuerJwksUri.optional(),
  })
  .meta({
    id: 'CreateFederatedCredential',
    example: {
      name: 'github-deploy',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:acme/billing:environment:production',
    },
  });
export type CreateFederatedCredentialBody = z.infer<typeof CreateFederatedCredentialBody>;
