using System.Security.Cryptography;
using System.Text;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Onboarding;

/// <summary>The last step that completed. Each step records what a retry needs to resume after it.</summary>
public enum OnboardingStep
{
    /// <summary>The Marketplace token resolved to this customer; the state exists from here on.</summary>
    TokenResolved,
    EntitlementChecked,
    Registered,

    /// <summary>Only with "generate a key for me": the generated private key is in Secrets Manager before any certificate exists.</summary>
    KeyStored,
    CertificateIssued,
    SecretStored,
    AclsWritten,
    Completed,
}

/// <summary>What the flow should do next, given the stored state.</summary>
public enum OnboardingAction
{
    CheckEntitlement,

    /// <summary>Show the registration form (and accept it).</summary>
    Register,

    /// <summary>Generate a key pair and CSR, store the private key in the customer's secret.</summary>
    GenerateAndStoreKey,

    /// <summary>IssueCertificate with <see cref="OnboardingState.CertificateIdempotencyToken"/>.</summary>
    IssueCertificate,

    /// <summary>Store certificate and chain (and the generated key) in the customer's secret.</summary>
    StoreSecret,
    WriteAcls,

    /// <summary>Mark the subscriber active.</summary>
    Complete,

    /// <summary>Done: show the quick-start again; issue nothing.</summary>
    ShowQuickStart,

    /// <summary>A failure that retrying cannot fix (e.g. not entitled): show <see cref="OnboardingFailure.Reason"/>.</summary>
    ShowFailure,
}

/// <summary>Why onboarding stopped, and whether trying the same step again can help.</summary>
public sealed record OnboardingFailure(OnboardingAction During, string Reason, bool Retryable, DateTimeOffset At);

/// <summary>
/// The onboarding progress of one customer, as stored. <see cref="Version"/> belongs to the store (optimistic
/// concurrency): 0 means never written.
/// </summary>
public sealed record OnboardingState
{
    public required CustomerIdentity Customer { get; init; }

    public required OnboardingStep Step { get; init; }

    public long Version { get; init; }

    /// <summary>Starts at 1; a re-issue after revocation increments it so a new certificate gets a new idempotency token.</summary>
    public int CertificateGeneration { get; init; } = 1;

    public IReadOnlyList<string> Topics { get; init; } = [];

    public KeyChoice? KeyChoice { get; init; }

    /// <summary>The buyer's CSR (after <see cref="OnboardingStep.Registered"/>) or ours (after <see cref="OnboardingStep.KeyStored"/>). Public data.</summary>
    public string? CsrPem { get; init; }

    public string? CertificateArn { get; init; }

    public string? SecretArn { get; init; }

    /// <summary>The Kafka principal the ACLs were written for (after <see cref="OnboardingStep.AclsWritten"/>).</summary>
    public string? KafkaPrincipal { get; init; }

    public OnboardingFailure? Failure { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public string CustomerId => Customer.StableId;

    public string CertificateIdempotencyToken => IdempotencyTokens.ForCertificate(Customer.StableId, CertificateGeneration);

    public string SecretRequestToken => IdempotencyTokens.ForSecret(Customer.StableId, CertificateGeneration);

    // Value equality including the topic list (a record compares lists by reference), so a state read back from the
    // store equals the one written.
    public bool Equals(OnboardingState? other) =>
        other is not null
        && Customer == other.Customer
        && Step == other.Step
        && Version == other.Version
        && CertificateGeneration == other.CertificateGeneration
        && Topics.SequenceEqual(other.Topics)
        && KeyChoice == other.KeyChoice
        && CsrPem == other.CsrPem
        && CertificateArn == other.CertificateArn
        && SecretArn == other.SecretArn
        && KafkaPrincipal == other.KafkaPrincipal
        && Failure == other.Failure
        && StartedAt == other.StartedAt
        && UpdatedAt == other.UpdatedAt;

    public override int GetHashCode() => HashCode.Combine(Customer, Step, Version, CertificateArn, SecretArn, UpdatedAt);
}

/// <summary>
/// Idempotency tokens derived from the customer's stable id, so a repeated request for the same customer sends the same
/// token. ACM PCA honours its IdempotencyToken for only a few minutes, so these tokens complement, not replace, the
/// recorded state and the store's claim.
/// </summary>
public static class IdempotencyTokens
{
    /// <summary>32 lowercase hex characters (PCA allows at most 36).</summary>
    public static string ForCertificate(string stableId, int generation) => Derive("acm-pca:issue-certificate", stableId, generation, 32);

    /// <summary>40 lowercase hex characters (Secrets Manager's ClientRequestToken takes 32–64).</summary>
    public static string ForSecret(string stableId, int generation) => Derive("secretsmanager:client-request", stableId, generation, 40);

    private static string Derive(string purpose, string stableId, int generation, int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(stableId);
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{purpose}\n{stableId}\n{generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        return Convert.ToHexStringLower(hash)[..length];
    }
}
