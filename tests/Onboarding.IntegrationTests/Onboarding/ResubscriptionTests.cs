using System.Security.Cryptography.X509Certificates;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Onboarding;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Certificates;
using Onboarding.Core.Onboarding;
using Onboarding.IntegrationTests.Aws;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>Subscribing again after the lifecycle function revoked access: new key, new subject, same secret.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ResubscriptionTests(MotoFixture moto, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Resubscription_AfterRevocation_IssuesANewKeyAndASubjectTheRevokedCertificateDoesNotHave()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var first = await OnboardAsync(app);

        await RestartLikeTheLifecycleFunctionAsync(app, first);
        var second = await OnboardAsync(app);

        Assert.NotEqual(first.GetNameInfo(X509NameType.SimpleName, false), second.GetNameInfo(X509NameType.SimpleName, false));
        Assert.EndsWith(".g2", second.GetNameInfo(X509NameType.SimpleName, false), StringComparison.Ordinal);
        Assert.NotEqual(first.GetPublicKey(), second.GetPublicKey());
        Assert.NotEqual(KafkaPrincipal.FromCertificate(first).Value, KafkaPrincipal.FromCertificate(second).Value);
        Assert.Contains(app.AclRules(), rule => rule.Principal == KafkaPrincipal.FromCertificate(second).Value);
        Assert.Single(await app.SecretNamesAsync());
        Assert.Equal(2, app.Pca.Issued);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Resubscription_AfterTheLifecycleFunctionRevoked_LeavesTheSecretNoLongerTaggedRevoked(bool generateKey)
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        await RegisterAsync(app, generateKey);
        await lifecycle.NotifyAsync("subscribe-success", at);
        await lifecycle.NotifyAsync("unsubscribe-success", at.AddMinutes(10));
        var secretName = Assert.Single(await app.SecretNamesAsync());
        Assert.Contains(await TagsAsync(secretName), t => t == (CredentialsSecretTags.Status, CredentialsSecretTags.Revoked));

        await lifecycle.NotifyAsync("subscribe-success", at.AddMinutes(20));
        var reissued = await RegisterAsync(app, generateKey);

        var tags = await TagsAsync(secretName);
        Assert.DoesNotContain(tags, t => CredentialsSecretTags.RevocationKeys.Contains(t.Key));
        Assert.Contains(tags, t => t.Key == "marketplace:customer-id");
        Assert.Equal(reissued, CredentialsSecret.Parse(await app.SecretValueAsync(secretName)).Certificate);
        Assert.Equal(2, app.Pca.Issued);
    }

    /// <summary>Lands, registers and returns the certificate PEM the download hands out.</summary>
    private async Task<string> RegisterAsync(OnboardingApp app, bool generateKey)
    {
        using var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        using var registered = generateKey ? await buyer.RegisterAsync(generate: true) : await buyer.RegisterAsync(OnboardingApp.EcCsr());
        Assert.Equal("/credentials", registered.Headers.Location?.ToString());
        var files = await RegistrationTests.UnzipAsync(await buyer.Http.GetAsync("/credentials/download"));
        return files["client.crt"];
    }

    private async Task<List<(string? Key, string? Value)>> TagsAsync(string secretName) =>
        [.. ((await new AmazonSecretsManagerClient(MotoRaw.Options(moto)).DescribeSecretAsync(new DescribeSecretRequest { SecretId = secretName })).Tags ?? []).Select(t => (t.Key, t.Value))];

    private async Task<X509Certificate2> OnboardAsync(OnboardingApp app)
    {
        using var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        using var registered = await buyer.RegisterAsync(generate: true);
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, registered.StatusCode);
        var files = await RegistrationTests.UnzipAsync(await buyer.Http.GetAsync("/credentials/download"));
        var certificate = X509Certificate2.CreateFromPem(files["client.crt"], files["client.key"]);
        Assert.True(OnboardingApp.ChainsTo(certificate, app.CaCertificatePem));
        return certificate;
    }

    /// <summary>What the lifecycle function does after revoking: the onboarding starts again at the next generation.</summary>
    private static async Task RestartLikeTheLifecycleFunctionAsync(OnboardingApp app, X509Certificate2 revoked)
    {
        var store = new DynamoDbOnboardingStore(app.Dynamo, new SubscriberTableOptions { SubscribersTable = app.SubscribersTable, OnboardingTable = app.OnboardingTable });
        var customerId = revoked.GetNameInfo(X509NameType.SimpleName, false);
        var claim = await store.TryClaimAsync(customerId, "lifecycle", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2));
        Assert.NotNull(claim);
        var restarted = OnboardingMachine.Start(claim.State.Customer, DateTimeOffset.UtcNow) with
        {
            Version = claim.State.Version,
            CertificateGeneration = claim.State.CertificateGeneration + 1,
        };
        await store.SaveAsync(restarted, "lifecycle");
        await store.ReleaseAsync(customerId, "lifecycle");
    }
}
