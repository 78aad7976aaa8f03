using Onboarding.Core.Lifecycle;
using Onboarding.Core.Subscribers;

namespace Onboarding.Aws.Onboarding;

/// <summary>
/// A buyer's session: the identity onboarding runs under, and every identifier ResolveCustomer returned with it
/// (<paramref name="Resolved"/>). Onboarding names a buyer by one model's pair, but the Lifecycle function stores a
/// subscription's state under whichever identifiers each notification carried, so registration reads the state under
/// all of them, as the landing page did.
/// </summary>
public sealed record LandingSession(CustomerIdentity Customer, SubscriptionRef Resolved)
{
    /// <summary>A session of the identity alone (one stored before the resolved identifiers were kept).</summary>
    public static LandingSession Of(CustomerIdentity customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new(customer, new SubscriptionRef(customer.CustomerIdentifier, customer.ProductCode, customer.AwsAccountId, customer.LicenseArn));
    }

    /// <summary>The subscription-state keys of the subscriber, then of the resolved identifiers and of the identity, without repeats.</summary>
    public IReadOnlyList<string> SubscriptionKeys => RegistrationGate.StateKeys(Customer, Resolved);
}

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

    Task CreateSessionAsync(string sessionHash, LandingSession session, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The session, or null when it is unknown or expired at <paramref name="now"/>.</summary>
    Task<LandingSession?> GetSessionAsync(string sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records that the customer's generated key was handed out; true only for the first caller. Atomic.</summary>
    Task<bool> TryMarkKeyHandedOutAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken = default);

    Task<bool> IsKeyHandedOutAsync(string customerId, CancellationToken cancellationToken = default);
}
