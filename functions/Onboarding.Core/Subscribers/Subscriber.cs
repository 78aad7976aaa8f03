namespace Onboarding.Core.Subscribers;

public enum SubscriberStatus
{
    /// <summary>Onboarding has started and has not finished.</summary>
    Registering,

    /// <summary>Credentials issued and ACLs written.</summary>
    Active,

    /// <summary>Marketplace said <c>unsubscribe-pending</c>: access continues until the final usage is reported.</summary>
    UnsubscribePending,

    /// <summary>Subscription ended: ACLs removed, certificate revoked.</summary>
    Unsubscribed,

    /// <summary>Marketplace said <c>subscribe-fail</c> or the entitlement lapsed; no access.</summary>
    Suspended,
}

/// <summary>What we know about one subscriber. Registration fields come from <see cref="RegistrationValidator"/>.</summary>
public sealed record Subscriber(
    CustomerIdentity Customer,
    string Company,
    string ContactName,
    string Email,
    string? Phone,
    SubscriberStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static Subscriber Register(CustomerIdentity customer, Registration registration, DateTimeOffset now) =>
        new(customer, registration.Company, registration.ContactName, registration.Email, registration.Phone, SubscriberStatus.Registering, now, now);

    public Subscriber WithStatus(SubscriberStatus status, DateTimeOffset now) => this with { Status = status, UpdatedAt = now };
}

/// <summary>
/// One entitlement of a customer as Marketplace reports it: a dimension (for us, a tier such as <c>basic</c> or
/// <c>pro</c>) with its quantity, and an expiry for contracts. Boolean entitlements count as quantity 1 when true.
/// </summary>
public sealed record Entitlement(string Dimension, long Quantity, DateTimeOffset? ExpiresAt)
{
    public bool IsActiveAt(DateTimeOffset now) => Quantity > 0 && (ExpiresAt is null || ExpiresAt > now);
}
