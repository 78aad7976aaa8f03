using Onboarding.Core.Lifecycle;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;

namespace Onboarding.Api.Onboarding;

public enum LandingStatus
{
    /// <summary>A session exists for the customer; continue at the registration page.</summary>
    Ready,
    MissingToken,
    InvalidToken,
    ExpiredToken,

    /// <summary>The token was used before: nothing was created.</summary>
    ReplayedToken,

    /// <summary>The token belongs to another Marketplace product.</summary>
    UnknownProduct,
    NotEntitled,

    /// <summary>Marketplace told the Lifecycle function the subscription failed or is cancelled; nothing was written, the token is not used up.</summary>
    SubscriptionInactive,

    /// <summary>Marketplace or our storage did not answer; nothing was kept, the same token may be posted again.</summary>
    Unavailable,
}

/// <summary>The result of the Marketplace POST. <see cref="SessionId"/> goes into the cookie and nowhere else.</summary>
public sealed record LandingOutcome(
    LandingStatus Status, CustomerIdentity? Customer = null, string? SessionId = null, string? Reason = null, RegistrationVerdict Verdict = RegistrationVerdict.Allowed)
{
    public override string ToString() => $"LandingOutcome({Status}, {Customer?.StableId})";
}

public enum FlowStatus
{
    /// <summary>Waiting for the registration form.</summary>
    NeedsRegistration,

    /// <summary>The form has problems; see <see cref="FlowOutcome.Errors"/>. Nothing was stored.</summary>
    InvalidForm,

    /// <summary>Another request is working on this customer right now.</summary>
    InProgress,
    Completed,

    /// <summary>A step failed; <see cref="FlowOutcome.Reason"/> says which; retrying continues where it stopped.</summary>
    Failed,

    /// <summary>Onboarding stopped for good (e.g. not entitled).</summary>
    Stopped,

    /// <summary>No onboarding exists for the customer (expired or never started).</summary>
    NotFound,

    /// <summary>The subscription failed or is cancelled (see <see cref="FlowOutcome.Verdict"/>); nothing was done.</summary>
    SubscriptionInactive,
}

public sealed record FlowOutcome(
    FlowStatus Status, OnboardingState? State, IReadOnlyList<FieldError>? Errors = null, string? Reason = null, RegistrationVerdict Verdict = RegistrationVerdict.Allowed);

/// <summary>The files of the credentials download; <see cref="PrivateKeyPem"/> only on the first download of a generated key.</summary>
public sealed record CredentialsBundle(string CertificatePem, string ChainPem, string? PrivateKeyPem)
{
    public override string ToString() => $"CredentialsBundle(private key {(PrivateKeyPem is null ? "not included" : "included")})";
}
