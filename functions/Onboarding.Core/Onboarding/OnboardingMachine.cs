using Onboarding.Core.Feeds;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Onboarding;

/// <summary>
/// The onboarding state machine, pure. Steps in order: TokenResolved → EntitlementChecked → Registered →
/// (KeyStored, only when we generate the key) → CertificateIssued → SecretStored → AclsWritten → Completed.
/// <see cref="NextAction"/> tells the flow what to do for a stored state; <see cref="Apply"/> records a completed step
/// and rejects anything out of order. Recording a step again with the same data is accepted as a no-op, so a repeated
/// request after completion changes nothing; with different data it is rejected (it would mean a second certificate
/// or secret).
/// </summary>
public static class OnboardingMachine
{
    public static OnboardingState Start(CustomerIdentity customer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new OnboardingState { Customer = customer, Step = OnboardingStep.TokenResolved, StartedAt = now, UpdatedAt = now };
    }

    public static OnboardingAction NextAction(OnboardingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Failure is { Retryable: false })
        {
            return OnboardingAction.ShowFailure;
        }

        return state.Step switch
        {
            OnboardingStep.TokenResolved => OnboardingAction.CheckEntitlement,
            OnboardingStep.EntitlementChecked => OnboardingAction.Register,
            OnboardingStep.Registered when state.KeyChoice == KeyChoice.GenerateKey => OnboardingAction.GenerateAndStoreKey,
            OnboardingStep.Registered or OnboardingStep.KeyStored => OnboardingAction.IssueCertificate,
            OnboardingStep.CertificateIssued => OnboardingAction.StoreSecret,
            OnboardingStep.SecretStored => OnboardingAction.WriteAcls,
            OnboardingStep.AclsWritten => OnboardingAction.Complete,
            OnboardingStep.Completed => OnboardingAction.ShowQuickStart,
            _ => throw new ArgumentOutOfRangeException(nameof(state), state.Step, "Unknown onboarding step."),
        };
    }

    /// <summary>
    /// True when a stopped onboarding may start over from a new token (e.g. the buyer was not entitled and has bought
    /// since): nothing was issued yet.
    /// </summary>
    public static bool CanRestart(OnboardingState state) =>
        state is { Failure.Retryable: false, CertificateArn: null, SecretArn: null };

    public static OnboardingTransition Apply(OnboardingState state, OnboardingEvent evt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evt);
        var next = NextAction(state);

        if (evt is FailedEvent failed)
        {
            if (string.IsNullOrWhiteSpace(failed.Reason))
            {
                return Reject("A failure needs a reason.");
            }

            return next is OnboardingAction.ShowQuickStart or OnboardingAction.ShowFailure
                ? Reject($"Onboarding of {state.CustomerId} is {(next == OnboardingAction.ShowQuickStart ? "complete" : "stopped")}; there is no step in progress that could fail.")
                : Accept(state with { Failure = new OnboardingFailure(next, failed.Reason, failed.Retryable, now), UpdatedAt = now });
        }

        if (AlreadyRecorded(state, evt) is { } replay)
        {
            return replay;
        }

        if (next == OnboardingAction.ShowFailure)
        {
            return Reject($"Onboarding of {state.CustomerId} stopped during {state.Failure!.During}: {state.Failure.Reason}");
        }

        return (next, evt) switch
        {
            (OnboardingAction.CheckEntitlement, EntitlementCheckedEvent e) => EntitlementChecked(state, e, now),
            (OnboardingAction.Register, RegisteredEvent e) => Registered(state, e, now),
            (OnboardingAction.GenerateAndStoreKey, KeyStoredEvent e) => RequireText(e.SecretArn, "secret ARN") ?? RequireText(e.CsrPem, "CSR")
                ?? Accept(Advance(state, OnboardingStep.KeyStored, now) with { SecretArn = e.SecretArn, CsrPem = e.CsrPem }),
            (OnboardingAction.IssueCertificate, CertificateIssuedEvent e) => RequireText(e.CertificateArn, "certificate ARN")
                ?? Accept(Advance(state, OnboardingStep.CertificateIssued, now) with { CertificateArn = e.CertificateArn }),
            (OnboardingAction.StoreSecret, SecretStoredEvent e) => SecretStored(state, e, now),
            (OnboardingAction.WriteAcls, AclsWrittenEvent e) => RequirePrincipal(e.Principal)
                ?? Accept(Advance(state, OnboardingStep.AclsWritten, now) with { KafkaPrincipal = e.Principal }),
            (OnboardingAction.Complete, CompletedEvent) => Accept(Advance(state, OnboardingStep.Completed, now)),
            _ => Reject($"Cannot record {Describe(evt)} for {state.CustomerId}: onboarding is at {state.Step} and expects {next} next."),
        };
    }

    private static OnboardingTransition EntitlementChecked(OnboardingState state, EntitlementCheckedEvent e, DateTimeOffset now)
    {
        if (e.Topics is null || e.Topics.Count == 0)
        {
            return Reject("An entitlement check that grants no topics is a failure (not entitled), not a completed step.");
        }

        if (e.Topics.FirstOrDefault(topic => !FeedCatalog.IsValidTopic(topic)) is { } bad)
        {
            return Reject($"'{bad}' is not a valid topic name.");
        }

        return Accept(Advance(state, OnboardingStep.EntitlementChecked, now) with { Topics = [.. e.Topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] });
    }

    private static OnboardingTransition Registered(OnboardingState state, RegisteredEvent e, DateTimeOffset now) => e.KeyChoice switch
    {
        KeyChoice.OwnCsr when string.IsNullOrWhiteSpace(e.CsrPem) => Reject("A registration with the buyer's own CSR must carry the CSR."),
        KeyChoice.GenerateKey when e.CsrPem is not null => Reject("A registration that asks us to generate the key carries no CSR; the CSR is recorded with the stored key."),
        KeyChoice.OwnCsr or KeyChoice.GenerateKey => Accept(Advance(state, OnboardingStep.Registered, now) with { KeyChoice = e.KeyChoice, CsrPem = e.CsrPem }),
        _ => Reject($"Unknown key choice {e.KeyChoice}."),
    };

    private static OnboardingTransition SecretStored(OnboardingState state, SecretStoredEvent e, DateTimeOffset now)
    {
        if (RequireText(e.SecretArn, "secret ARN") is { } missing)
        {
            return missing;
        }

        if (state.SecretArn is not null && state.SecretArn != e.SecretArn)
        {
            return Reject($"The generated key of {state.CustomerId} is in {state.SecretArn}; the certificate must go into the same secret, not {e.SecretArn}.");
        }

        return Accept(Advance(state, OnboardingStep.SecretStored, now) with { SecretArn = e.SecretArn });
    }

    // A step recorded twice with the same data is a harmless replay; different data would be a second resource.
    private static OnboardingTransition? AlreadyRecorded(OnboardingState state, OnboardingEvent evt)
    {
        var (step, same, recorded) = evt switch
        {
            EntitlementCheckedEvent e => (OnboardingStep.EntitlementChecked, e.Topics is not null && state.Topics.SequenceEqual(e.Topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), string.Join(",", state.Topics)),
            RegisteredEvent e => (OnboardingStep.Registered, state.KeyChoice == e.KeyChoice && (e.CsrPem is null || state.CsrPem == e.CsrPem), state.KeyChoice?.ToString()),
            KeyStoredEvent e => (OnboardingStep.KeyStored, state.SecretArn == e.SecretArn && state.CsrPem == e.CsrPem, state.SecretArn),
            CertificateIssuedEvent e => (OnboardingStep.CertificateIssued, state.CertificateArn == e.CertificateArn, state.CertificateArn),
            SecretStoredEvent e => (OnboardingStep.SecretStored, state.SecretArn == e.SecretArn, state.SecretArn),
            AclsWrittenEvent e => (OnboardingStep.AclsWritten, state.KafkaPrincipal == e.Principal, state.KafkaPrincipal),
            CompletedEvent => (OnboardingStep.Completed, true, null),
            _ => ((OnboardingStep)(-1), false, null),
        };

        if ((int)step < 0 || state.Step < step || (step == OnboardingStep.KeyStored && state.KeyChoice != KeyChoice.GenerateKey))
        {
            return null;
        }

        return same
            ? new OnboardingTransition(state, null, AlreadyRecorded: true)
            : Reject($"{step} is already recorded for {state.CustomerId} ({recorded ?? "no data"}); refusing a different {Describe(evt)}.");
    }

    private static OnboardingState Advance(OnboardingState state, OnboardingStep step, DateTimeOffset now) =>
        state with { Step = step, Failure = null, UpdatedAt = now };

    private static OnboardingTransition? RequireText(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? Reject($"The step must carry the {what}.") : null;

    private static OnboardingTransition? RequirePrincipal(string? principal)
    {
        try
        {
            Certificates.KafkaPrincipal.Parse(principal ?? string.Empty);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return Reject($"The ACL step must carry the Kafka principal (User:CN=...): {ex.Message}");
        }
    }

    private static OnboardingTransition Accept(OnboardingState state) => new(state, null);

    private static OnboardingTransition Reject(string error) => new(null, error);

    private static string Describe(OnboardingEvent evt) => evt.GetType().Name.Replace("Event", string.Empty, StringComparison.Ordinal);
}
