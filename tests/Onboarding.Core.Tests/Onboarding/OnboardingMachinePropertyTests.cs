using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Onboarding;

public sealed class OnboardingMachinePropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static readonly Gen<OnboardingEvent> Events = Gen.OneOf(
        Gen.Elements<string[]>([], ["quotes.us"], ["quotes.us", "trades.us"], ["*"]).Select(t => (OnboardingEvent)new EntitlementCheckedEvent(t)),
        Gen.Elements<OnboardingEvent>(
            new RegisteredEvent(KeyChoice.OwnCsr, "csr-1"),
            new RegisteredEvent(KeyChoice.OwnCsr, null),
            new RegisteredEvent(KeyChoice.GenerateKey, null),
            new KeyStoredEvent("arn:secret-1", "csr-2"),
            new CertificateIssuedEvent("arn:cert-1"),
            new CertificateIssuedEvent("arn:cert-2"),
            new SecretStoredEvent("arn:secret-1"),
            new SecretStoredEvent("arn:secret-2"),
            new AclsWrittenEvent("User:CN=mp-a,O=Example"),
            new AclsWrittenEvent("User:CN=mp-b,O=Example"),
            new AclsWrittenEvent(""),
            new CompletedEvent(),
            new FailedEvent("throttled", true),
            new FailedEvent("not entitled", false),
            new FailedEvent("", true)));

    [Property(MaxTest = 500)]
    public Property AnySequenceOfEvents_NeverThrows_NeverGoesBack_AndNeverReplacesAnIssuedCertificateOrSecret() =>
        Prop.ForAll(Events.ListOf().ToArbitrary(), events =>
        {
            var state = OnboardingMachine.Start(CustomerIdentity.FromCustomerIdentifier("c", "p"), T0);
            foreach (var evt in events)
            {
                var result = OnboardingMachine.Apply(state, evt, T0);
                if (!result.IsValid)
                {
                    if (string.IsNullOrWhiteSpace(result.Error))
                    {
                        return false;
                    }

                    continue;
                }

                var next = result.State!;
                var keepsIssued = (state.CertificateArn is null || next.CertificateArn == state.CertificateArn)
                    && (state.SecretArn is null || next.SecretArn == state.SecretArn)
                    && (state.KafkaPrincipal is null || next.KafkaPrincipal == state.KafkaPrincipal);
                // One step at a time; KeyStored exists only when we generate the key.
                var skipsKeyStored = state is { Step: OnboardingStep.Registered, KeyChoice: KeyChoice.OwnCsr } && next.Step == OnboardingStep.CertificateIssued;
                var forward = next.Step >= state.Step && (next.Step - state.Step <= 1 || skipsKeyStored);
                if (!keepsIssued || !forward || (result.AlreadyRecorded && !ReferenceEquals(next, state)))
                {
                    return false;
                }

                state = next;
            }

            // Whatever happened, the next action is defined.
            return Enum.IsDefined(OnboardingMachine.NextAction(state));
        });
}
