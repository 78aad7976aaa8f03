using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Lifecycle;

/// <summary>
/// What an alias says: the identifier it is stored under belongs to the subscriber <paramref name="StableId"/>, whose
/// other identifiers (as known when the alias was written) are <paramref name="Identifiers"/>.
/// </summary>
public sealed record SubscriberAlias(string StableId, SubscriptionRef Identifiers);

/// <summary>The subscriber a notification resolves to (null: none of its identifiers is known) and its identifiers that have no alias yet.</summary>
public sealed record AliasResolution(SubscriberAlias? Subscriber, IReadOnlyList<string> Unaliased)
{
    public string? StableId => Subscriber?.StableId;
}

/// <summary>
/// The rule that takes a Marketplace notification to the subscriber it concerns, whichever identifier it carries.
/// </summary>
/// <remarks>
/// <para>Onboarding names a subscriber by one identity (<see cref="CustomerIdentity.StableId"/>), but a notification may
/// carry only the customer identifier, only the account and license, or only the agreement id. So onboarding records an
/// alias from every identifier ResolveCustomer returned to the stable id, and the Lifecycle function adds the ones it
/// learns (an agreement id that arrives next to a known license ARN). A notification that resolves is kept under the
/// subscriber's own key (<see cref="SubscriberKey"/>), so every notification about one subscriber meets in one state,
/// whichever identifier it carried; one that does not resolve keeps its direct key (<see cref="SubscriptionRef.Key"/>).</para>
/// <para>Identifier keys have the shape of <see cref="SubscriptionRef.Key"/>, so a direct state is always stored under
/// one of the identifier keys of its notification.</para>
/// </remarks>
public static class SubscriberAliases
{
    public const string SubscriberKeyPrefix = "subscriber:";

    /// <summary>The state-store key of a resolved subscriber.</summary>
    public static string SubscriberKey(string stableId)
    {
        if (!CustomerIdentity.IsStableId(stableId))
        {
            throw new ArgumentException($"'{stableId}' is not a stable subscriber id.", nameof(stableId));
        }

        return SubscriberKeyPrefix + stableId;
    }

    /// <summary>The stable id a state key names, or null for a direct (unresolved) key.</summary>
    public static string? StableIdOf(string subscriptionKey) =>
        subscriptionKey is not null
        && subscriptionKey.StartsWith(SubscriberKeyPrefix, StringComparison.Ordinal)
        && CustomerIdentity.IsStableId(subscriptionKey[SubscriberKeyPrefix.Length..])
            ? subscriptionKey[SubscriberKeyPrefix.Length..]
            : null;

    /// <summary>
    /// Every identifier <paramref name="subscription"/> carries, as a key, the most specific first: the license ARN (one
    /// agreement), then the agreement id, then the customer identifier with its product code (every agreement of the buyer).
    /// </summary>
    public static IReadOnlyList<string> IdentifierKeys(SubscriptionRef subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var keys = new List<string>(3);
        if (subscription.LicenseArn is { Length: > 0 } license)
        {
            keys.Add(new SubscriptionRef(null, null, null, license).Key);
        }

        if (subscription.AgreementId is { Length: > 0 } agreement)
        {
            keys.Add(new SubscriptionRef(null, null, null, null, AgreementId: agreement).Key);
        }

        if (subscription is { CustomerIdentifier: { Length: > 0 } identifier, ProductCode: { Length: > 0 } product })
        {
            keys.Add(new SubscriptionRef(identifier, product, null, null).Key);
        }

        return keys;
    }

    /// <summary>
    /// The subscriber of a notification from the aliases of its identifiers (<paramref name="lookups"/>, in the order of
    /// <see cref="IdentifierKeys"/>). The most specific identifier that has an alias decides: under concurrent agreements
    /// one customer identifier may belong to several licenses, each its own subscriber, and the license names the one.
    /// </summary>
    public static AliasResolution Resolve(IReadOnlyList<KeyValuePair<string, SubscriberAlias?>> lookups)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        var found = lookups.Select(l => l.Value).FirstOrDefault(a => a is not null);
        return new AliasResolution(found, [.. lookups.Where(l => l.Value is null).Select(l => l.Key)]);
    }

    /// <summary>
    /// The state a resolved subscriber starts from when the first notification under its own key arrives: everything its
    /// notifications recorded under direct keys before it could be resolved (typically before registration), joined as the
    /// state machine joins notifications: the latest status wins, the latest entitlement change wins, identifiers merge.
    /// Without it a subscribe-success recorded before registration would be forgotten and, for instance, final usage not sent.
    /// </summary>
    public static SubscriptionState Seed(string subscriberKey, SubscriptionRef identifiers, IEnumerable<SubscriptionState?> direct)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        ArgumentNullException.ThrowIfNull(direct);
        if (StableIdOf(subscriberKey) is null)
        {
            throw new ArgumentException($"'{subscriberKey}' is not a subscriber key.", nameof(subscriberKey));
        }

        var seed = new SubscriptionState(subscriberKey, identifiers, SubscriptionStatus.Unknown, null, null);
        foreach (var state in direct)
        {
            if (state is null)
            {
                continue;
            }

            seed = seed with { Subscription = SubscriptionStateMachine.MergeIdentifiers(seed.Subscription, state.Subscription) };
            if (state.StatusStamp is { } status && (seed.StatusStamp is not { } seen || status > seen))
            {
                seed = seed with { Status = state.Status, StatusStamp = status };
            }

            if (state.EntitlementsStamp is { } entitlements && (seed.EntitlementsStamp is not { } seenEntitlements || entitlements > seenEntitlements))
            {
                seed = seed with { EntitlementsStamp = entitlements };
            }
        }

        return seed;
    }
}
