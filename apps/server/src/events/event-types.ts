/** `user.verify_email_requested`: send the verification email of `verificationId` to `email`. */
export const VERIFY_EMAIL_REQUESTED = 'user.verify_email_requested';

export interface VerifyEmailRequestedPayload {
  userId: string;
  verificationId: string;
  email: string;
  realmName: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
  /** Asked for at sign-in (`require_verified_email`): the link opens the realm's page, which continues the sign-in. */
  signIn?: boolean;
}

/** `user.password_reset_requested`: send the password reset email of `resetId` to `email`. */
export const PASSWORD_RESET_REQUESTED = 'user.password_reset_requested';

export interface PasswordResetRequestedPayload {
  userId: string;
  resetId: string;
  email: string;
  realmName: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
}
