using System.Net;
using System.Text.RegularExpressions;
using Onboarding.Aws.Marketplace;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

[Collection(SimulatorCollection.Name)]
[Trait("Category", "Integration")]
public sealed partial class SubscribePageTests(SimulatorFixture simulator) : IAsyncLifetime
{
    public Task InitializeAsync() => simulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SubscribePage_EveryButton_IsAPlainFormPostOfTheTokenToTheLandingUrl()
    {
        var html = await PageAsync();

        var forms = FormPattern().Matches(html);
        Assert.Equal(2 * 5, forms.Count); // two products, five test customers
        Assert.All(forms, form =>
        {
            Assert.Equal(SimulatorFixture.LandingUrl, WebUtility.HtmlDecode(form.Groups["action"].Value));
            Assert.Equal("x-amzn-marketplace-token", form.Groups["name"].Value);
        });
        Assert.Contains("enctype=\"application/x-www-form-urlencoded\"", html, StringComparison.Ordinal);
        Assert.Equal(forms.Count, forms.Select(f => f.Groups["token"].Value).Distinct().Count());
    }

    [Fact]
    public async Task SubscribePage_TokenOfNewCustomer_ResolvesAndMakesThemMeterable()
    {
        var token = TokenFor(await PageAsync(), "sim-rtfeed-payg", "cust-hooli");
        var metering = simulator.Metering();
        var usage = new UsageRecord { CustomerIdentifier = "cust-hooli", Dimension = "messages_million", Quantity = 1, Timestamp = DateTime.UtcNow.AddMinutes(-1) };
        var before = await metering.BatchMeterUsageAsync(new() { ProductCode = "sim-rtfeed-payg", UsageRecords = [usage] });

        var customer = await metering.ResolveCustomerAsync(new() { RegistrationToken = token });
        var after = await metering.BatchMeterUsageAsync(new() { ProductCode = "sim-rtfeed-payg", UsageRecords = [usage] });

        Assert.Equal(("cust-hooli", "sim-rtfeed-payg", "555555555555"), (customer.CustomerIdentifier, customer.ProductCode, customer.CustomerAWSAccountId));
        Assert.StartsWith("arn:aws:license-manager::555555555555:license:l-", customer.LicenseArn, StringComparison.Ordinal);
        Assert.Equal(UsageRecordResultStatus.CustomerNotSubscribed, before.Results![0].Status);
        Assert.Equal(UsageRecordResultStatus.Success, after.Results![0].Status);
    }

    private async Task<string> PageAsync()
    {
        using var http = simulator.CreateClient();
        return await http.GetStringAsync("/subscribe");
    }

    private static string TokenFor(string html, string productCode, string customerIdentifier)
    {
        var section = html[html.IndexOf($"data-product-code=\"{productCode}\"", StringComparison.Ordinal)..];
        var row = section[section.IndexOf($"data-customer-identifier=\"{customerIdentifier}\"", StringComparison.Ordinal)..];
        return WebUtility.HtmlDecode(FormPattern().Match(row).Groups["token"].Value);
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\"[^>]*><input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<token>[^\"]+)\">")]
    private static partial Regex FormPattern();
}
