using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Api.Apis;
using Onboarding.Api.Finance;
using Onboarding.Core.Metering;

#pragma warning disable IDE0130 // In ASP.NET Core's namespace so that Program.cs needs no using for it.
namespace Microsoft.AspNetCore.Builder;

/// <summary>The finance view's two entry points for Program.cs: <c>builder.AddFinance()</c> and <c>app.MapFinanceApi()</c>.</summary>
public static class FinanceExtensions
{
    public static IEndpointRouteBuilder MapFinanceApi(this IEndpointRouteBuilder app) => FinanceApi.Map(app);

    /// <summary>Registers the finance view: its options and the ledger reader (DynamoDB, built by DynamoDbClientFactory).</summary>
    public static WebApplicationBuilder AddFinance(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = FinanceOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IAmazonDynamoDB>(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            return DynamoDbClientFactory.Create(name => configuration[name]);
        });
        builder.Services.AddSingleton<IMeteringLedgerReader>(services =>
        {
            if (string.IsNullOrWhiteSpace(options.LedgerTable))
            {
                throw new InvalidOperationException(
                    $"The finance view needs the metering ledger table: set {FinanceOptions.LedgerTableVariable}.");
            }

            return new DynamoDbMeteringLedger(
                services.GetRequiredService<IAmazonDynamoDB>(), new MeteringLedgerOptions { TableName = options.LedgerTable });
        });
        return builder;
    }
}
