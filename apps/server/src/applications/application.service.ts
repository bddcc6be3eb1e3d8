import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretKey } from '../crypto/secret-key.ts';
import { newId } from '../db/ids.ts';
import type { Orm } from '../db/orm.ts';
import { type Application, ApplicationEntity } from './application.entity.ts';
import { generateClientId, generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret.ts';

/** Applications (OAuth clients). Their Management API routes land with the applications issue. */
export class ApplicationService {
  readonly #orm: Orm;
  readonly #secretKey: SecretKey;

  constructor(orm: Orm, secretKey: SecretKey) {
    this.#orm = orm;
    this.#secretKey = secretKey;
  }

  /**
   * Adds an m2m application inside the caller's transaction. Returns the plain secret, which
   * exists nowhere else afterwards.
   */
  addMachineToMachine(
    em: EntityManager,
    realmId: string,
    input: { name: string; description?: string; clientId?: string; clientSecret?: string },
  ): { application: Application; clientSecret: string } {
    const clientSecret = input.clientSecret ?? generateClientSecret();
    const application = em.create(ApplicationEntity, {
      id: newId(),
      realmId,
      name: input.name,
      description: input.description ?? null,
      type: 'm2m',
      clientId: input.clientId ?? generateClientId(),
      clientSecretHash: hashClientSecret(clientSecret, this.#secretKey.clientSecretKey),
      redirectUris: [],
    });
    return { application, clientSecret };
  }

  async findByClientId(em: EntityManager, realmId: string, clientId: string): Promise<Application | null> {
    return em.findOne(ApplicationEntity, { realmId, clientId });
  }

  /**
   * The application of `realmId` whose credentials these are, or `null`. Takes the same time
   * whether the client id exists or not.
   */
  async authenticate(realmId: string, clientId: string, clientSecret: string): Promise<Application | null> {
    const application = await this.#orm.em.findOne(ApplicationEntity, { realmId, clientId });
    const valid = verifyClientSecret(
      clientSecret,
      application?.clientSecretHash ?? null,
      this.#secretKey.clientSecretKey,
    );
    return valid ? application : null;
  }
}
