namespace Onboarding.Core.Lifecycle;

public enum LifecycleEventKind
{
    /// <summary>SNS <c>subscribe-success</c> or EventBridge <c>Purchase Agreement Created - Manufacturer</c>.</summary>
    SubscribeSuccess,

    /// <summary>SNS <c>subscribe-fail</c>: payment or setup failed, the buyer has no access.</summary>
    SubscribeFail,

    /// <summary>SNS <c>unsubscribe-pending</c>: about one hour left to send final usage.</summary>
    UnsubscribePending,

    /// <summary>SNS <c>unsubscribe-success</c>: the subscription ended, Marketplace refuses further usage.</summary>
    UnsubscribeSuccess,

    /// <summary>SNS <c>entitlement-updated</c>: call GetEntitlements and re-plan access.</summary>
    EntitlementUpdated,

    /// <summary>EventBridge <c>Purchase Agreement Amended - Manufacturer</c>.</summary>
    AgreementAmended,

    /// <summary>EventBridge <c>Purchase Agreement Ended - Manufacturer</c>: final usage, then revoke.</summary>
    AgreementEnded,

    /// <summary>EventBridge <c>License Updated - Manufacturer</c>.</summary>
    LicenseUpdated,

    /// <summary>EventBridge <c>License Deprovisioned - Manufacturer</c>.</summary>
    LicenseDeprovisioned,
}

public enum LifecycleEventSource
{
    Sns,
    EventBridge,
}

/// <summary>One Marketplace notification, parsed and validated.</summary>
/// <param name="OccurredAt">When Marketplace published it (SNS <c>Timestamp</c>, EventBridge <c>time</c>), never when we received it.</param>
/// <param name="EventId">SNS <c>MessageId</c> or EventBridge <c>id</c>; breaks ties between events of the same instant.</param>
public sealed record LifecycleEvent(
    LifecycleEventKind Kind,
    SubscriptionRef Subscription,
    DateTimeOffset OccurredAt,
    string EventId,
    LifecycleEventSource Source,
    string? OfferId = null);
