using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Core.Metering;

namespace Onboarding.Api.Finance;

public static class FinanceServices
{
    /// <summary>Registers the finance view: its options and the ledger reader (DynamoDB; endpoint override via AWS_ENDPOINT_URL_DYNAMODB).</summary>
    public static WebApplicationBuilder AddFinance(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = FinanceOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
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
