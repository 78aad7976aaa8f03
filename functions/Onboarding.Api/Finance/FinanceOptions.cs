using Microsoft.Extensions.Configuration;

namespace Onboarding.Api.Finance;

/// <summary>How the finance view is protected and where it reads the ledger; from environment variables.</summary>
public sealed record FinanceOptions
{
    /// <summary>The API key that unlocks the finance view when it runs on Kestrel (locally). Not set on AWS.</summary>
    public const string ApiKeyVariable = "FINANCE_API_KEY";

    /// <summary>Set by Lambda: behind API Gateway, whose route authoriser (AWS_IAM) already admitted the caller.</summary>
    public const string LambdaRuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    public const string LedgerTableVariable = "METERING_LEDGER_TABLE";

    public string? ApiKey { get; init; }

    /// <summary>True under Lambda: API Gateway enforces IAM on <c>/finance</c>, so the app does not check a key.</summary>
    public bool TrustGateway { get; init; }

    public string LedgerTable { get; init; } = "";

    public static FinanceOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new FinanceOptions
        {
            ApiKey = configuration[ApiKeyVariable] is { Length: > 0 } key ? key : null,
            TrustGateway = !string.IsNullOrEmpty(configuration[LambdaRuntimeApiVariable]),
            LedgerTable = configuration[LedgerTableVariable] ?? "",
        };
    }
}
