import { z } from 'zod';
import { defineAction } from './runner.ts';
import { changeOwnPassword, createUser, resetPassword, setFacilityGrants, setUserActive, updateUser } from '../lib/server/people/users.ts';
import { deleteSessionCookie } from '../lib/server/http/cookies.ts';
import { passwordChangeSchema, staffUserCreateSchema, staffUserUpdateSchema } from '../lib/shared/schemas.ts';

/** Staff accounts (admin/users) and one's own account. */

/** Creates a staff or released-person account; the temporary password is shown once. */
export const createStaffUser = defineAction({
  input: staffUserCreateSchema,
  fields: { 'user.usernameTaken': 'username', 'user.facilityRequired': 'facilityId' },
  run: (input, { db, user }) => createUser(db, user, input),
});

/** The actions on one staff account's page. */
export function staffUserActions(userId: number) {
  return {
    /** Name, home facility and language. */
    update: defineAction({
      input: staffUserUpdateSchema,
      fields: { 'user.facilityRequired': 'facilityId' },
      done: 'common.saved',
      run: (input, { db, user }) => updateUser(db, user, userId, input),
    }),
    /** The extra facilities the account may act on. */
    grants: defineAction({
      input: z.object({
        /** The ids of the ticked facilities (none: no extra facility). */
        facility: z.array(z.coerce.number().int().positive()).max(100),
      }),
      lists: ['facility'],
      done: 'common.saved',
      run: (input, { db, user }) => setFacilityGrants(db, user, userId, input.facility),
    }),
    /** A new temporary password, shown once. */
    resetPassword: defineAction({
      input: z.object({}),
      run: (_input, { db, user }) => resetPassword(db, user, userId),
    }),
    deactivate: defineAction({
      input: z.object({}),
      done: 'users.deactivated',
      run: (_input, { db, user }) => setUserActive(db, user, userId, false),
    }),
    activate: defineAction({
      input: z.object({}),
      done: 'users.activated',
      run: (_input, { db, user }) => setUserActive(db, user, userId, true),
    }),
  };
}

/**
 * Changes one's own password. Every session ends with the change, this one
 * too, so the person signs in again with the new password.
 */
export const changePassword = defineAction({
  input: passwordChangeSchema,
  fields: { 'auth.wrongPassword': 'current', 'auth.forbidden': 'current' },
  run: async (input, { db, user, cookies, url, config }) => {
    const result = await changeOwnPassword(db, user, input.current, input.next);
    if (result.ok) deleteSessionCookie(cookies, url, config);
    return result;
  },
  redirect: () => '/login?reason=passwordChanged&kind=staff',
});
