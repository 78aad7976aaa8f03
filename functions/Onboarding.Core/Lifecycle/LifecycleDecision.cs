namespace Onboarding.Core.Lifecycle;

/// <summary>What the Lifecycle function must do after a notification. Every decision is safe to carry out twice.</summary>
public abstract record LifecycleDecision
{
    private LifecycleDecision()
    {
    }

    /// <summary>Grant access: plan ACLs from the current entitlements (GetEntitlements), record the subscription as active.
    /// When the buyer has not registered yet, only the state is recorded and registration will find it active.</summary>
    public sealed record Activate : LifecycleDecision;

    /// <summary>Record the failed subscription; anything a registration that came before it issued is taken back.</summary>
    public sealed record MarkFailed : LifecycleDecision;

    /// <summary>Meter the remaining usage now (including the current, partial hour): Marketplace gives about one hour.</summary>
    public sealed record SendFinalUsage : LifecycleDecision;

    /// <summary>Remove every ACL of the customer, revoke the certificate in ACM PCA, mark the secret and records as revoked.</summary>
    /// <param name="SendFinalUsageFirst">True when Marketplace still accepts final usage (EventBridge agreement end,
    /// or an active subscription that ended without an <c>unsubscribe-pending</c> having been seen).</param>
    /// <param name="FinalStatus">The status to record: Ended or Failed.</param>
    public sealed record Revoke(bool SendFinalUsageFirst, SubscriptionStatus FinalStatus) : LifecycleDecision;

    /// <summary>Entitlements changed while access is granted: call GetEntitlements and re-plan the ACLs.</summary>
    public sealed record ReplanEntitlements : LifecycleDecision;

    /// <summary>Nothing to do (duplicate, superseded by a later event, or not applicable in this state).</summary>
    public sealed record Ignore(string Reason) : LifecycleDecision;
}
