using System.Net;
using Onboarding.Aws.Onboarding;
using Onboarding.Aws.SecretsManager;
using Onboarding.IntegrationTests.Aws;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>
/// A buyer onboarded through the landing page under one identifier model is reached by notifications carrying the
/// other: the landing flow records every identifier ResolveCustomer returned before it issues anything.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class IdentifierAliasTests(MotoFixture moto, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-30);

    [Fact]
    public async Task LicenseOnboardedBuyer_CancellingWithNotificationsNamingOnlyTheCustomerIdentifier_LosesEveryAclAndTheSecretIsMarkedRevoked()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        using var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        using var registered = await buyer.RegisterAsync(generate: true);
        Assert.Equal("/credentials", registered.Headers.Location?.ToString());
        Assert.NotEmpty(app.AclRules());

        await lifecycle.NotifyAsync("unsubscribe-pending", T0, license: null);
        await lifecycle.NotifyAsync("unsubscribe-success", T0.AddMinutes(1), license: null);

        Assert.Empty(app.AclRules());
        var secretName = Assert.Single(await app.SecretNamesAsync());
        var tags = (await new AmazonSecretsManagerClient(MotoRaw.Options(moto)).DescribeSecretAsync(new DescribeSecretRequest { SecretId = secretName })).Tags ?? [];
        Assert.Contains(tags, t => t.Key == CredentialsSecretTags.Status && t.Value == CredentialsSecretTags.Revoked);

        // And the landing page reads the same resolved state: the cancelled buyer is refused.
        using var again = app.NewBuyer();
        using var refused = await again.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
