import {
  type Activity,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { type AuthenticateRequestResult, AuthenticationError } from 'botframework-connector';

/** jsonwebtoken's own errors: a token that is malformed, badly signed or not valid yet. */
const tokenErrors = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * botbuilder's JWT check, with its failures turned into the right HTTP status. CloudAdapter
 * answers 401 only for an AuthenticationError; a badly signed token makes jsonwebtoken throw
 * its own error, which CloudAdapter would answer with 500 (and the sender would retry). And an
 * AuthenticationError that says our side failed (Microsoft's signing keys could not be
 * fetched) becomes a 500, so that Teams tries again rather than being told it is unauthorised.
 */
export class CheckedAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(options: ConfigurationBotFrameworkAuthenticationOptions) {
    super(options);
  }

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        if ((error.statusCode ?? 401) >= 500) throw new Error(`Could not check the token: ${error.message}`);
        throw error;
      }
      if (error instanceof Error && tokenErrors.has(error.name)) {
        throw new AuthenticationError(`Unauthorized. ${error.message}`, 401);
      }
      throw error;
    }
  }
}
