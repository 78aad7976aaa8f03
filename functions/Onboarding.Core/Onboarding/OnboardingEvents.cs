using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Onboarding;

/// <summary>A step that completed (or failed), with the data a resume needs.</summary>
public abstract record OnboardingEvent;

public sealed record EntitlementCheckedEvent(IReadOnlyList<string> Topics) : OnboardingEvent;

/// <summary>The form was accepted. <paramref name="CsrPem"/> is the buyer's validated CSR; null with <see cref="KeyChoice.GenerateKey"/>.</summary>
public sealed record RegisteredEvent(KeyChoice KeyChoice, string? CsrPem) : OnboardingEvent;

/// <summary>The generated private key is stored in <paramref name="SecretArn"/>; <paramref name="CsrPem"/> is the CSR built for it.</summary>
public sealed record KeyStoredEvent(string SecretArn, string CsrPem) : OnboardingEvent;

public sealed record CertificateIssuedEvent(string CertificateArn) : OnboardingEvent;

public sealed record SecretStoredEvent(string SecretArn) : OnboardingEvent;

/// <summary>
/// The ACLs are written for <paramref name="Principal"/>, the principal read from the issued certificate
/// (<see cref="Certificates.KafkaPrincipal.FromCertificate"/>); kept so re-planning and revocation address exactly it.
/// </summary>
public sealed record AclsWrittenEvent(string Principal) : OnboardingEvent;

public sealed record CompletedEvent : OnboardingEvent;

/// <summary>The current action failed. Retryable failures resume at the same action; others stop onboarding.</summary>
public sealed record FailedEvent(string Reason, bool Retryable) : OnboardingEvent;

/// <summary>The outcome of applying an event: the new state, or why the event does not fit the state.</summary>
public sealed record OnboardingTransition(OnboardingState? State, string? Error, bool AlreadyRecorded = false)
{
    public bool IsValid => State is not null;

    public OnboardingState OrThrow() => State ?? throw new InvalidOnboardingTransitionException(Error!);
}

public sealed class InvalidOnboardingTransitionException(string message) : InvalidOperationException(message);
