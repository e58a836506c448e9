import { z } from 'zod';
import { defineAction } from './runner.ts';
import { createFacility, updateFacility } from '../lib/server/people/facilities.ts';
import { facilitySchema } from '../lib/shared/schemas.ts';

/** Prisons (admin/facilities). */

/** Adds a prison. */
export const addFacility = defineAction({
  input: facilitySchema,
  fields: { 'facility.codeTaken': 'code' },
  done: 'facilities.created',
  run: (input, { db, user }) => createFacility(db, user, input),
});

/** Renames a prison, changes its code, or switches it off. */
export function editFacility(facilityId: number) {
  return defineAction({
    input: facilitySchema.extend({
      /** '1' when ticked: the prison takes part (a switched-off prison keeps its history). */
      active: z.literal('1').optional(),
    }),
    fields: { 'facility.codeTaken': 'code', 'facility.notFound': 'code' },
    done: 'common.saved',
    run: (input, { db, user }) => updateFacility(db, user, facilityId, { code: input.code, name: input.name, active: input.active === '1' }),
  });
}
