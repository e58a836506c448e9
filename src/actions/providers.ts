import { z } from 'zod';
import { defineAction } from './runner.ts';
import { createProvider, deleteProvider, providerFormSchema, updateProvider } from '../lib/server/providers/providers.ts';

/** The register of education providers (admin/providers): the issuers named on certificates. */

/** Where a refusal shows: a taken name or number next to its field; a custody word names its field itself. */
const fields = { 'provider.nameTaken': 'nameLv', 'provider.registrationNumberTaken': 'registrationNumber' } as const;

/** Adds a provider to the register (refused when its name reveals custody). */
export const addProvider = defineAction({
  input: providerFormSchema,
  fields,
  run: (input, { db, user }) => createProvider(db, user, input),
  redirect: () => '/admin/providers?done=created',
});

/** One provider's page: edit it (the main form, no intent), or delete it while nothing names it. */
export function providerActions(providerId: number) {
  return {
    update: defineAction({
      input: providerFormSchema,
      fields,
      done: 'common.saved',
      run: (input, { db, user }) => updateProvider(db, user, providerId, input),
    }),
    delete: defineAction({
      input: z.object({}),
      at: '_delete',
      run: (_input, { db, user }) => deleteProvider(db, user, providerId),
      redirect: () => '/admin/providers?done=deleted',
    }),
  };
}
