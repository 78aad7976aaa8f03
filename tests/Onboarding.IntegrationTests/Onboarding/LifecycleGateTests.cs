using System.Net;
using System.Security.Cryptography.X509Certificates;
using Amazon.DynamoDBv2.Model;
using Onboarding.Core.Certificates;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>
/// Landing and registration read the subscription state the Lifecycle function recorded: a failed or cancelled
/// subscription gets a page that says what to do and nothing is written, even while Marketplace's ResolveCustomer and
/// GetEntitlements still answer as if subscribed (they are eventually consistent).
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LifecycleGateTests(MotoFixture moto, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    // Notification times are chosen, not read from a clock, so which one is "newer" never depends on timing.
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-30);

    [Fact]
    public async Task CancelledSubscriber_PostingTheLandingPageAgain_IsRefusedAndNothingIsWrittenUntilANewerSubscribeSuccess()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        using var first = await OnboardAsync(app);
        await lifecycle.NotifyAsync("subscribe-success", T0);
        await lifecycle.NotifyAsync("unsubscribe-pending", T0.AddMinutes(10));
        await lifecycle.NotifyAsync("unsubscribe-success", T0.AddMinutes(11));
        Assert.Empty(app.AclRules()); // revoked by the Lifecycle function

        // Marketplace still resolves the buyer's new token: only the recorded state knows the subscription ended.
        var before = await EverythingAsync(app);
        using var buyer = app.NewBuyer();
        var token = await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct);
        using var refused = await buyer.LandAsync(token);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Subscription cancelled", page, StringComparison.Ordinal);
        Assert.Contains("subscribe again in AWS Marketplace", page, StringComparison.Ordinal);
        Assert.False(HasSession(refused));
        Assert.Equal(before, await EverythingAsync(app));
        using var noSession = await buyer.Http.GetAsync("/register");
        Assert.Equal(HttpStatusCode.Unauthorized, noSession.StatusCode);

        // A late delivery of the original subscribe-success changes nothing; a newer one lets the buyer in again.
        await lifecycle.NotifyAsync("subscribe-success", T0.AddMinutes(1));
        using (var late = app.NewBuyer())
        {
            using var stillRefused = await late.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
            Assert.Equal(HttpStatusCode.Forbidden, stillRefused.StatusCode);
        }


        await lifecycle.NotifyAsync("subscribe-success", T0.AddMinutes(20));
        using var second = await OnboardAsync(app);

        Assert.EndsWith(".g2", second.GetNameInfo(X509NameType.SimpleName, false), StringComparison.Ordinal);
        Assert.NotEmpty(app.AclRules());
        Assert.All(app.AclRules(), rule => Assert.Equal(KafkaPrincipal.FromCertificate(second).Value, rule.Principal));
        Assert.Equal(2, app.Pca.Issued);
    }

    [Theory]
    [InlineData("subscribe-fail", "Subscription not active", "payment method")]
    [InlineData("unsubscribe-pending", "Subscription being cancelled", "keep working until the cancellation completes")]
    [InlineData("unsubscribe-success", "Subscription cancelled", "subscribe again in AWS Marketplace")]
    public async Task Landing_WhenTheLatestRecordedStatusIsNotSubscribed_ShowsWhatToDoAndWritesNothing(string action, string title, string advice)
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        await lifecycle.NotifyAsync("subscribe-success", T0);
        await lifecycle.NotifyAsync(action, T0.AddMinutes(5));
        var subscriptionItems = await app.ItemsAsync(app.SubscribersTable);
        using var buyer = app.NewBuyer();

        using var response = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(title, page, StringComparison.Ordinal);
        Assert.Contains(advice, page, StringComparison.Ordinal);
        Assert.False(HasSession(response));
        Assert.Empty(await app.BuyerItemsAsync()); // no token use, session or onboarding record
        Assert.Equal(Render(subscriptionItems), Render(await app.ItemsAsync(app.SubscribersTable)));
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
        Assert.Empty(app.AclRules());
    }

    [Fact]
    public async Task Landing_ForAContractWhoseEndIsRecordedWhileGetEntitlementsStillListsIt_IsRefused()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator, OnboardingApp.ContractProduct, "contract");
        var lifecycle = new AppLifecycle(moto, simulator, app, OnboardingApp.ContractProduct, contract: true);
        await lifecycle.NotifyAsync("unsubscribe-success", T0, "cust-globex", AppLifecycle.GlobexAccount, OnboardingApp.ContractProduct, AppLifecycle.GlobexContractLicense);
        using var buyer = app.NewBuyer();

        using var response = await buyer.LandAsync(await simulator.MintTokenAsync("cust-globex", OnboardingApp.ContractProduct));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Subscription cancelled", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await app.BuyerItemsAsync());
    }

    [Fact]
    public async Task Landing_BeforeAnyNotificationAndAfterOnlyAnEntitlementUpdate_StillStartsTheRegistration()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        using (var early = app.NewBuyer())
        {
            using var landed = await early.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
            Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        }

        await lifecycle.NotifyAsync("entitlement-updated", T0);
        using var buyer = app.NewBuyer();
        using var response = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        using var registered = await buyer.RegisterAsync(generate: true);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/credentials", registered.Headers.Location?.ToString());
        Assert.Equal(1, app.Pca.Issued);
    }

    [Fact]
    public async Task Registration_WhenTheSubscriptionFailsAfterLanding_IsRefusedAndIssuesNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        using var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        var csrf = Buyer.Csrf(await buyer.GetRegistrationAsync());

        await lifecycle.NotifyAsync("subscribe-fail", T0);
        var before = await EverythingAsync(app);
        using var form = await buyer.Http.GetAsync("/register");
        using var posted = await buyer.PostRegistrationAsync(csrf, generate: true);

        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        Assert.DoesNotContain("Create my credentials", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Contains("Subscription not active", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await EverythingAsync(app));
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
        Assert.Empty(app.AclRules());
        Assert.DoesNotContain(await app.ItemsAsync(app.SubscribersTable), i => i["sk"].S == "PROFILE");
    }

    [Fact]
    public async Task Registration_WhenASubscribeFailNamingOnlyTheCustomerIdentifierArrivesAfterLanding_IsRefusedAndIssuesNothing()
    {
        // ResolveCustomer names the buyer by license (the identity onboarding uses) and by customer identifier; this
        // notification carries only the latter, so its state is stored under the other key than the session's identity.
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        using var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        var csrf = Buyer.Csrf(await buyer.GetRegistrationAsync());

        await lifecycle.NotifyAsync("subscribe-fail", T0, license: null);
        var before = await EverythingAsync(app);
        using var form = await buyer.Http.GetAsync("/register");
        using var posted = await buyer.PostRegistrationAsync(csrf, generate: true);
        using var continued = await buyer.Http.PostAsync("/register/continue", new FormUrlEncodedContent([new("__csrf", csrf)]));

        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, posted.StatusCode);
        Assert.Contains("Subscription not active", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, continued.StatusCode);
        Assert.Equal(before, await EverythingAsync(app));
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
        Assert.Empty(app.AclRules());
    }

    [Fact]
    public async Task SubscribeFail_AfterARegistrationThatCameBeforeSubscribeSuccess_TakesTheCredentialsBackAndRefusesANewLanding()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var lifecycle = new AppLifecycle(moto, simulator, app);
        using var issued = await OnboardAsync(app);
        Assert.NotEmpty(app.AclRules());

        await lifecycle.NotifyAsync("subscribe-fail", T0);
        using var buyer = app.NewBuyer();
        using var response = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));

        Assert.Empty(app.AclRules());
        var profile = Assert.Single(await app.ItemsAsync(app.SubscribersTable), i => i["sk"].S == "PROFILE");
        Assert.Equal("Suspended", profile["status"].S);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, app.Pca.Issued);
    }

    private async Task<X509Certificate2> OnboardAsync(OnboardingApp app)
    {
        using var buyer = app.NewBuyer();
        using var landed = await buyer.LandAsync(await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct));
        Assert.Equal(HttpStatusCode.SeeOther, landed.StatusCode);
        using var registered = await buyer.RegisterAsync(generate: true);
        Assert.Equal("/credentials", registered.Headers.Location?.ToString());
        var files = await RegistrationTests.UnzipAsync(await buyer.Http.GetAsync("/credentials/download"));
        return X509Certificate2.CreateFromPem(files["client.crt"], files["client.key"]);
    }

    private static bool HasSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("mp_session=", StringComparison.Ordinal));

    /// <summary>Every record, secret, issued certificate and ACL the product keeps about buyers, as one comparable text.</summary>
    private static async Task<string> EverythingAsync(OnboardingApp app)
    {
        var secrets = new List<string>();
        foreach (var name in (await app.SecretNamesAsync()).Order(StringComparer.Ordinal))
        {
            secrets.Add(name + "=" + await app.SecretValueAsync(name));
        }

        return string.Join(
            "\n---\n",
            Render(await app.BuyerItemsAsync()),
            Render(await app.ItemsAsync(app.SubscribersTable)),
            string.Join("\n", secrets),
            $"issued {app.Pca.Issued}",
            string.Join("\n", app.AclRules().Select(r => r.ToString()).Order(StringComparer.Ordinal)));
    }

    private static string Render(IEnumerable<Dictionary<string, AttributeValue>> items) =>
        string.Join("\n", items.Select(Render).Order(StringComparer.Ordinal));

    private static string Render(Dictionary<string, AttributeValue> item) =>
        "{" + string.Join(",", item.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + Render(p.Value))) + "}";

    private static string Render(AttributeValue value) =>
        value.S ?? value.N
        ?? (value.BOOL is { } flag ? flag.ToString() : null)
        ?? (value.M is { Count: > 0 } map ? Render(map) : null)
        ?? (value.L is { Count: > 0 } list ? "[" + string.Join(",", list.Select(Render)) + "]" : null)
        ?? (value.SS is { Count: > 0 } set ? "<" + string.Join(",", set.Order(StringComparer.Ordinal)) + ">" : null)
        ?? (value.B is { } bytes ? Convert.ToBase64String(bytes.ToArray()) : "null");
}
