/** `user.verify_email_requested`: send the verification email of `verificationId` to `email`. */
export const VERIFY_EMAIL_REQUESTED = 'user.verify_email_requested';

export interface VerifyEmailRequestedPayload {
  userId: string;
  verificationId: string;
  email: string;
  realmName: string;
  /** When the link stops working (ISO 8601). */
  expiresAt: string;
}
