namespace Onboarding.Core.Onboarding;

/// <summary>The right of one worker to carry out the next onboarding action of one customer, until <see cref="Until"/>.</summary>
public sealed record OnboardingClaim(OnboardingState State, string Owner, DateTimeOffset Until);

/// <summary>
/// Stored onboarding progress. Of many concurrent requests for the same customer exactly one holds the claim and may
/// act; <see cref="SaveAsync"/> succeeds only for the claim holder and only on the version it read, so no step is
/// carried out or recorded twice.
/// </summary>
public interface IOnboardingStore
{
    Task<OnboardingState?> GetAsync(string customerId, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="initial"/> unless a state exists; returns the stored state and whether it was created now.</summary>
    Task<(OnboardingState State, bool Created)> StartAsync(OnboardingState initial, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the customer's onboarding for <paramref name="owner"/> until <paramref name="now"/> + <paramref name="lease"/>
    /// when nobody holds an unexpired claim (or <paramref name="owner"/> already does). Null when another owner holds it
    /// or no state exists. The returned state is the current stored one.
    /// </summary>
    Task<OnboardingClaim?> TryClaimAsync(string customerId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="state"/> if its <see cref="OnboardingState.Version"/> is still the stored one and
    /// <paramref name="owner"/> still holds the claim. Returns the state with its new version.
    /// </summary>
    /// <exception cref="Subscribers.ConcurrentUpdateException">The version moved or the claim was lost; nothing was written.</exception>
    Task<OnboardingState> SaveAsync(OnboardingState state, string owner, CancellationToken cancellationToken = default);

    /// <summary>Gives the claim up (no-op when <paramref name="owner"/> does not hold it).</summary>
    Task ReleaseAsync(string customerId, string owner, CancellationToken cancellationToken = default);
}
