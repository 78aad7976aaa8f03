using Onboarding.Core.Subscribers;

namespace Onboarding.Aws.Onboarding;

/// <summary>
/// What the landing flow keeps besides the onboarding state: which Marketplace tokens were used (by hash), the
/// buyers' sessions (by hash of the cookie value), and whether a generated private key was handed out. Neither a
/// token nor a session id is ever stored in clear.
/// </summary>
public interface ILandingStore
{
    /// <summary>Records the token hash as used; false when it was used before (a replay). Atomic.</summary>
    Task<bool> TryUseTokenAsync(string tokenHash, DateTimeOffset forgetAfter, CancellationToken cancellationToken = default);

    /// <summary>Forgets a use that did not complete (e.g. Marketplace was unavailable), so the buyer can try again.</summary>
    Task ForgetTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task CreateSessionAsync(string sessionHash, CustomerIdentity customer, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The session's customer, or null when the session is unknown or expired at <paramref name="now"/>.</summary>
    Task<CustomerIdentity?> GetSessionAsync(string sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records that the customer's generated key was handed out; true only for the first caller. Atomic.</summary>
    Task<bool> TryMarkKeyHandedOutAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<bool> IsKeyHandedOutAsync(string customerId, CancellationToken cancellationToken = default);
}
