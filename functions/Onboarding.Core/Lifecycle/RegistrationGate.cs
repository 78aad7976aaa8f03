using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Lifecycle;

/// <summary>Whether the landing page may onboard a buyer, from what the Lifecycle function recorded about the subscription.</summary>
public enum RegistrationVerdict
{
    /// <summary>Subscribed, or no status notification seen yet (the landing POST usually comes before <c>subscribe-success</c>).</summary>
    Allowed,

    /// <summary>The latest status notification is <c>subscribe-fail</c>.</summary>
    SubscriptionFailed,

    /// <summary>The latest status notification is <c>unsubscribe-pending</c>: existing access runs out, nothing new is issued.</summary>
    SubscriptionEnding,

    /// <summary>The latest status notification ended the subscription (<c>unsubscribe-success</c>, agreement ended, license deprovisioned).</summary>
    SubscriptionEnded,
}

/// <summary>
/// The rule that keeps the landing page from handing out access Marketplace has taken away. GetEntitlements and
/// ResolveCustomer are eventually consistent and may still report a cancelled buyer as entitled, so registration also
/// reads the subscription state the Lifecycle function keeps; that state is already independent of the order and
/// repetition of notifications (<see cref="SubscriptionStateMachine"/>), and this rule only reads its status.
/// </summary>
public static class RegistrationGate
{
    public static RegistrationVerdict Decide(SubscriptionState? state) => state?.Status switch
    {
        null or SubscriptionStatus.Unknown or SubscriptionStatus.Active => RegistrationVerdict.Allowed,
        SubscriptionStatus.Failed => RegistrationVerdict.SubscriptionFailed,
        SubscriptionStatus.PendingUnsubscribe => RegistrationVerdict.SubscriptionEnding,
        SubscriptionStatus.Ended => RegistrationVerdict.SubscriptionEnded,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state.Status, "Unknown subscription status."),
    };

    /// <summary>
    /// The verdict over every key the subscription's notifications may be stored under: the state whose status
    /// notification comes last in the state machine's order decides, as if all had been merged into one state.
    /// </summary>
    public static RegistrationVerdict Decide(IEnumerable<SubscriptionState?> states) => Decide(Latest(states));

    /// <summary>Of states of one subscription kept under different keys, the one with the latest status notification (null if none has one).</summary>
    public static SubscriptionState? Latest(IEnumerable<SubscriptionState?> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        SubscriptionState? latest = null;
        foreach (var state in states)
        {
            if (state?.StatusStamp is { } stamp && (latest?.StatusStamp is not { } best || stamp > best))
            {
                latest = state;
            }
        }

        return latest;
    }

    /// <summary>
    /// The state-store keys the Lifecycle function may have used for this subscription: a notification is keyed by its
    /// license ARN when it carries one, else by its customer identifier and product code (<see cref="SubscriptionRef.Key"/>),
    /// so a buyer known by both has two candidates.
    /// </summary>
    public static IReadOnlyList<string> SubscriptionKeys(SubscriptionRef subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        var keys = new List<string>(2);
        if (subscription.LicenseArn is { Length: > 0 } license)
        {
            keys.Add(new SubscriptionRef(null, null, subscription.CustomerAwsAccountId, license).Key);
        }

        if (subscription is { CustomerIdentifier: { Length: > 0 } identifier, ProductCode: { Length: > 0 } product })
        {
            keys.Add(new SubscriptionRef(identifier, product, null, null).Key);
        }

        return keys;
    }

    /// <summary>
    /// Every key the state of a buyer's subscription may be kept under: the subscriber's own key first (where the
    /// Lifecycle function keeps every notification that resolved to it through the aliases onboarding recorded), then the
    /// direct keys of <paramref name="resolved"/>'s and <paramref name="customer"/>'s identifiers (notifications that came
    /// before the aliases did), without repeats.
    /// </summary>
    public static IReadOnlyList<string> StateKeys(CustomerIdentity customer, SubscriptionRef resolved)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(resolved);
        return [.. new[] { SubscriberAliases.SubscriberKey(customer.StableId) }
            .Concat(SubscriptionKeys(resolved))
            .Concat(SubscriptionKeys(customer))
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The candidate keys of an onboarded identity (one per identifier model it carries).</summary>
    public static IReadOnlyList<string> SubscriptionKeys(CustomerIdentity customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return SubscriptionKeys(new SubscriptionRef(customer.CustomerIdentifier, customer.ProductCode, customer.AwsAccountId, customer.LicenseArn));
    }
}
