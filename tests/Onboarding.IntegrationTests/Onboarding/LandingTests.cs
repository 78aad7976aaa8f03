using System.Net;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>The Marketplace POST to <c>/</c>: good tokens start a session, every bad one gets a clear page and changes nothing.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LandingTests(MotoFixture moto, SimulatorFixture simulator) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Landing_WithValidToken_StartsAnHttpOnlySessionAndRedirectsToRegistration()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = app.NewBuyer();
        var token = await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct);

        using var response = await buyer.LandAsync(token);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/register", response.Headers.Location?.ToString());
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mp_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var sessionId = cookie["mp_session=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];

        // Neither the token nor the session id is stored in clear anywhere.
        var stored = string.Join("\n", (await app.BuyerItemsAsync()).SelectMany(item => item.Values.Select(v => v.S ?? v.N ?? string.Empty)));
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(sessionId, stored, StringComparison.Ordinal);

        var registration = await buyer.GetRegistrationAsync();
        Assert.Contains("Create my credentials", registration, StringComparison.Ordinal);
        Assert.Contains("<code>quotes.us</code>", registration, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sim-token-expired", HttpStatusCode.BadRequest, "Subscription link expired")]
    [InlineData("sim-token-invalid", HttpStatusCode.BadRequest, "Subscription link not valid")]
    [InlineData("no-such-token", HttpStatusCode.BadRequest, "Subscription link not valid")]
    [InlineData(null, HttpStatusCode.BadRequest, "No subscription token")]
    public async Task Landing_WithBadToken_ShowsClearErrorAndStoresNothing(string? token, HttpStatusCode status, string title)
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = app.NewBuyer();

        using var response = await buyer.LandAsync(token);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(title, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("mp_session=", StringComparison.Ordinal)));
        Assert.Empty(await app.BuyerItemsAsync());
        Assert.Empty(await app.ItemsAsync(app.SubscribersTable));
    }

    [Fact]
    public async Task Landing_WhenTheSameTokenIsPostedAgain_RefusesTheReplayAndCreatesNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        var token = await simulator.MintTokenAsync("cust-acme", OnboardingApp.PayAsYouGoProduct);
        using (var first = app.NewBuyer())
        {
            using var accepted = await first.LandAsync(token);
            Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
        }

        var before = await app.BuyerItemsAsync();
        using var attacker = app.NewBuyer();
        using var replayed = await attacker.LandAsync(token);

        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        Assert.Contains("already used", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(replayed.Headers.Contains("Set-Cookie") && replayed.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("mp_session=", StringComparison.Ordinal)));
        Assert.Equal(before.Count, (await app.BuyerItemsAsync()).Count);
        using var noSession = await attacker.Http.GetAsync("/register");
        Assert.Equal(HttpStatusCode.Unauthorized, noSession.StatusCode);
    }

    [Fact]
    public async Task Landing_WithTokenOfAnotherProduct_RefusesItAndStoresNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = app.NewBuyer();
        var token = await simulator.MintTokenAsync("cust-globex", OnboardingApp.ContractProduct);

        using var response = await buyer.LandAsync(token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("another AWS Marketplace product", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await app.BuyerItemsAsync());
    }

    [Fact]
    public async Task Landing_WithOversizedBody_Answers413AndStoresNothing()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator);
        using var buyer = app.NewBuyer();

        using var response = await buyer.LandAsync(new string('a', 40 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Request too large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await app.BuyerItemsAsync());
    }

    [Fact]
    public async Task Landing_ForContractWithoutEntitlement_ShowsNoEntitlementPageAndNoSession()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator, OnboardingApp.ContractProduct, "contract");
        using var buyer = app.NewBuyer();
        // Hooli has no contract: minting the token makes it "subscribed", but it holds no entitlement.
        var token = await simulator.MintTokenAsync("cust-hooli", OnboardingApp.ContractProduct);

        using var response = await buyer.LandAsync(token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("No active entitlement", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, app.Pca.Issued);
        Assert.Empty(await app.SecretNamesAsync());
    }

    [Fact]
    public async Task Landing_WhenMarketplaceFailsDuringTheEntitlementCheck_KeepsNothingAndTheSameTokenWorksAfterwards()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator, OnboardingApp.ContractProduct, "contract");
        var token = await simulator.MintTokenAsync("cust-globex", OnboardingApp.ContractProduct);
        await simulator.SetFaultsAsync(new { serverErrors = 3, serverErrorStatus = 503, operations = new[] { "GetEntitlements" } });
        using var buyer = app.NewBuyer();

        using var failed = await buyer.LandAsync(token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Contains("token was not used up", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(failed.Headers.Contains("Set-Cookie") && failed.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("mp_session=", StringComparison.Ordinal)));
        Assert.DoesNotContain(await app.BuyerItemsAsync(), i => i["pk"].S!.StartsWith("TOKEN#", StringComparison.Ordinal));

        using var retried = await buyer.LandAsync(token);

        Assert.Equal(HttpStatusCode.SeeOther, retried.StatusCode);
        Assert.Contains("<code>trades.us</code>", await buyer.GetRegistrationAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Landing_ForContract_MapsEntitledDimensionsToTopics()
    {
        await using var app = await OnboardingApp.CreateAsync(moto, simulator, OnboardingApp.ContractProduct, "contract");
        using var buyer = app.NewBuyer();
        var token = await simulator.MintTokenAsync("cust-globex", OnboardingApp.ContractProduct);

        using var response = await buyer.LandAsync(token);
        var registration = await buyer.GetRegistrationAsync();

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        // feeds (5) and premium_support (true) are in the catalogue: quotes.us, trades.us, news.us; nothing else.
        Assert.Contains("<code>quotes.us</code>, <code>trades.us</code>", registration.Replace("<code>news.us</code>, ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("<code>news.us</code>", registration, StringComparison.Ordinal);
        Assert.DoesNotContain("bars.1m.us", registration, StringComparison.Ordinal);
    }
}
