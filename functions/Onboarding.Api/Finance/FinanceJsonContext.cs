using System.Text.Json.Serialization;
using Onboarding.Core.Metering;

namespace Onboarding.Api.Finance;

/// <summary>The body of <c>GET /finance/billing.json</c>: the selection, its totals and its ledger entries.</summary>
public sealed record BillingDocument(
    DateOnly From,
    DateOnly To,
    BillingPeriod Period,
    BillingFilter Filter,
    BillingReport Report,
    IReadOnlyList<LedgerEntry> Entries);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BillingDocument))]
public sealed partial class FinanceJsonContext : JsonSerializerContext;
