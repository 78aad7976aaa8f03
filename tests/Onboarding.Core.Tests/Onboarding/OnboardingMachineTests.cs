using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Onboarding;

public sealed class OnboardingMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly CustomerIdentity Customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");
    private const string CertArn = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca/certificate/abc";
    private const string SecretArn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:feeds/mp-x-AbCdEf";
    private const string Principal = "User:CN=mp-x,O=Example";
    private const string Csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";

    private static OnboardingState Step(OnboardingState state, OnboardingEvent evt) => OnboardingMachine.Apply(state, evt, T0.AddMinutes(1)).OrThrow();

    /// <summary>Every state a CSR-based onboarding passes through, with the action expected next.</summary>
    public static TheoryData<int, OnboardingAction> OwnCsrPath() => new()
    {
        { 0, OnboardingAction.CheckEntitlement },
        { 1, OnboardingAction.Register },
        { 2, OnboardingAction.IssueCertificate },
        { 3, OnboardingAction.StoreSecret },
        { 4, OnboardingAction.WriteAcls },
        { 5, OnboardingAction.Complete },
        { 6, OnboardingAction.ShowQuickStart },
    };

    private static readonly OnboardingEvent[] OwnCsrEvents =
    [
        new EntitlementCheckedEvent(["trades.us", "quotes.us"]),
        new RegisteredEvent(KeyChoice.OwnCsr, Csr),
        new CertificateIssuedEvent(CertArn),
        new SecretStoredEvent(SecretArn),
        new AclsWrittenEvent(Principal),
        new CompletedEvent(),
    ];

    private static OnboardingState After(int steps, OnboardingEvent[] events)
    {
        var state = OnboardingMachine.Start(Customer, T0);
        foreach (var evt in events.Take(steps))
        {
            state = Step(state, evt);
        }

        return state;
    }

    [Theory]
    [MemberData(nameof(OwnCsrPath))]
    public void NextAction_ResumingFromEachStoredStep_IsTheStepAfterIt(int completed, OnboardingAction expected)
    {
        Assert.Equal(expected, OnboardingMachine.NextAction(After(completed, OwnCsrEvents)));
    }

    [Fact]
    public void CompletedState_KeepsWhatTheQuickStartAndResumeNeed()
    {
        var done = After(OwnCsrEvents.Length, OwnCsrEvents);

        Assert.Equal(OnboardingStep.Completed, done.Step);
        Assert.Equal(["quotes.us", "trades.us"], done.Topics);
        Assert.Equal(CertArn, done.CertificateArn);
        Assert.Equal(SecretArn, done.SecretArn);
        Assert.Equal(Csr, done.CsrPem);
        Assert.Equal(Principal, done.KafkaPrincipal);
        Assert.Equal(T0, done.StartedAt);
    }

    [Fact]
    public void GenerateKey_StoresTheKeyBeforeAnyCertificateIsIssued()
    {
        var state = After(1, OwnCsrEvents);
        state = Step(state, new RegisteredEvent(KeyChoice.GenerateKey, null));
        Assert.Equal(OnboardingAction.GenerateAndStoreKey, OnboardingMachine.NextAction(state));

        state = Step(state, new KeyStoredEvent(SecretArn, Csr));
        Assert.Equal(OnboardingAction.IssueCertificate, OnboardingMachine.NextAction(state));

        state = Step(state, new CertificateIssuedEvent(CertArn));
        Assert.Equal(OnboardingAction.StoreSecret, OnboardingMachine.NextAction(state));

        var otherSecret = OnboardingMachine.Apply(state, new SecretStoredEvent(SecretArn + "2"), T0);
        Assert.Contains("same secret", otherSecret.Error, StringComparison.Ordinal);
        Assert.Equal(OnboardingStep.SecretStored, Step(state, new SecretStoredEvent(SecretArn)).Step);
    }

    [Fact]
    public void RepeatAfterCompletion_RecordingTheSameCertificateAgain_ChangesNothing()
    {
        var done = After(OwnCsrEvents.Length, OwnCsrEvents);

        foreach (var evt in OwnCsrEvents)
        {
            var again = OnboardingMachine.Apply(done, evt, T0.AddHours(1));
            Assert.True(again.AlreadyRecorded, evt.ToString());
            Assert.Same(done, again.State);
        }
    }

    [Fact]
    public void RepeatAfterCompletion_ASecondCertificate_IsRejectedNamingTheFirst()
    {
        var done = After(OwnCsrEvents.Length, OwnCsrEvents);

        var second = OnboardingMachine.Apply(done, new CertificateIssuedEvent(CertArn + "-second"), T0);

        Assert.False(second.IsValid);
        Assert.Contains(CertArn, second.Error, StringComparison.Ordinal);
        Assert.Throws<InvalidOnboardingTransitionException>(second.OrThrow);
    }

    [Fact]
    public void Apply_SkippingASteps_IsRejectedSayingWhatIsExpected()
    {
        var start = OnboardingMachine.Start(Customer, T0);

        var skipped = OnboardingMachine.Apply(start, new CertificateIssuedEvent(CertArn), T0);

        Assert.False(skipped.IsValid);
        Assert.Contains("expects CheckEntitlement", skipped.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CN=mp-x,O=Example")]
    [InlineData("User:*")]
    public void Apply_AclsWrittenWithoutAValidPrincipal_IsRejected(string principal)
    {
        var result = OnboardingMachine.Apply(After(4, OwnCsrEvents), new AclsWrittenEvent(principal), T0);

        Assert.Contains("principal", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_KeyStoredWhenTheBuyerSentACsr_IsRejected()
    {
        var registered = After(2, OwnCsrEvents);

        Assert.False(OnboardingMachine.Apply(registered, new KeyStoredEvent(SecretArn, Csr), T0).IsValid);
    }

    [Theory]
    [InlineData(KeyChoice.OwnCsr, null)]
    [InlineData(KeyChoice.GenerateKey, Csr)]
    public void Apply_RegistrationWhoseCsrDoesNotFitTheKeyChoice_IsRejected(KeyChoice choice, string? csr)
    {
        Assert.False(OnboardingMachine.Apply(After(1, OwnCsrEvents), new RegisteredEvent(choice, csr), T0).IsValid);
    }

    [Fact]
    public void Apply_EntitlementWithoutTopics_IsNotACompletedStep()
    {
        var result = OnboardingMachine.Apply(OnboardingMachine.Start(Customer, T0), new EntitlementCheckedEvent([]), T0);

        Assert.Contains("not entitled", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryableFailure_ResumesAtTheSameAction_AndClearsOnSuccess()
    {
        var registered = After(2, OwnCsrEvents);

        var failed = Step(registered, new FailedEvent("ACM PCA throttled the request", Retryable: true));

        Assert.Equal(OnboardingAction.IssueCertificate, OnboardingMachine.NextAction(failed));
        Assert.Equal(OnboardingAction.IssueCertificate, failed.Failure!.During);
        var issued = Step(failed, new CertificateIssuedEvent(CertArn));
        Assert.Null(issued.Failure);
    }

    [Fact]
    public void PermanentFailure_StopsOnboarding_AndAllowsARestartOnlyWhileNothingWasIssued()
    {
        var failed = Step(OnboardingMachine.Start(Customer, T0), new FailedEvent("No active entitlement for this product.", Retryable: false));

        Assert.Equal(OnboardingAction.ShowFailure, OnboardingMachine.NextAction(failed));
        Assert.Contains("No active entitlement", OnboardingMachine.Apply(failed, new EntitlementCheckedEvent(["quotes.us"]), T0).Error, StringComparison.Ordinal);
        Assert.True(OnboardingMachine.CanRestart(failed));

        var failedAfterIssue = Step(After(3, OwnCsrEvents), new FailedEvent("secret policy forbids", Retryable: false));
        Assert.False(OnboardingMachine.CanRestart(failedAfterIssue));
    }

    [Fact]
    public void Failure_AfterCompletion_IsRejected()
    {
        Assert.False(OnboardingMachine.Apply(After(6, OwnCsrEvents), new FailedEvent("late", true), T0).IsValid);
    }

    [Fact]
    public void IdempotencyTokens_AreDerivedFromTheCustomer_AndFitTheServicesLimits()
    {
        var state = OnboardingMachine.Start(Customer, T0);
        var again = OnboardingMachine.Start(CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123"), T0.AddDays(1));
        var other = OnboardingMachine.Start(CustomerIdentity.FromCustomerIdentifier("someone-else", "prod-abc123"), T0);

        Assert.Equal(state.CertificateIdempotencyToken, again.CertificateIdempotencyToken);
        Assert.NotEqual(state.CertificateIdempotencyToken, other.CertificateIdempotencyToken);
        Assert.NotEqual(state.CertificateIdempotencyToken, (state with { CertificateGeneration = 2 }).CertificateIdempotencyToken);
        Assert.Matches("^[0-9a-f]{32}$", state.CertificateIdempotencyToken);
        Assert.Matches("^[0-9a-f]{40}$", state.SecretRequestToken);
    }
}
