using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Simulator.Metering;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Simulator.Apis;

/// <summary>Test controls under <c>/_sim</c>: faults, the metering ledger, token minting, reset.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/_sim");
        admin.MapGet("/faults", GetFaults);
        admin.MapPost("/faults", SetFaults);
        admin.MapDelete("/faults", ClearFaults);
        admin.MapGet("/usage", GetUsage);
        admin.MapPost("/tokens", MintToken);
        admin.MapPost("/reset", Reset);
        admin.MapGet("/notifications", GetNotifications);
        admin.MapPost("/unsubscribe", Unsubscribe);
        app.MapGet("/health", () => "ok");
        return app;
    }

    public static Ok<SimulatorFaults> GetFaults(MarketplaceState state) => TypedResults.Ok(state.Faults);

    public static Results<Ok<SimulatorFaults>, BadRequest<string>> SetFaults(SimulatorFaults faults, MarketplaceState state)
    {
        if (faults.Throttle < 0 || faults.ServerErrors < 0 || faults.UnprocessedRecords < 0 || faults.ServerErrorStatus is < 500 or > 599)
        {
            return TypedResults.BadRequest("Counts must be 0 or more and serverErrorStatus a 5xx status.");
        }

        state.Faults = faults;
        return TypedResults.Ok(faults);
    }

    public static NoContent ClearFaults(MarketplaceState state)
    {
        state.Faults = new SimulatorFaults();
        return TypedResults.NoContent();
    }

    /// <summary>Accepted usage records, optionally for one product and/or customer.</summary>
    public static Ok<List<RecordedUsage>> GetUsage(MarketplaceState state, string? productCode, string? customerIdentifier) =>
        TypedResults.Ok(state.RecordedUsage()
            .Where(r => (productCode is null || r.ProductCode == productCode) && (customerIdentifier is null || r.CustomerIdentifier == customerIdentifier))
            .ToList());

    public static Results<Ok<MintedToken>, BadRequest<string>> MintToken(MintTokenRequest request, MarketplaceState state)
    {
        try
        {
            return TypedResults.Ok(new MintedToken(state.MintToken(request.CustomerIdentifier, request.ProductCode)));
        }
        catch (MarketplaceError error)
        {
            return TypedResults.BadRequest(error.Message);
        }
    }

    /// <summary>Subscription notifications (SNS envelopes) after a sequence number, oldest first.</summary>
    public static Ok<List<SubscriptionNotification>> GetNotifications(MarketplaceState state, long? after) =>
        TypedResults.Ok(state.NotificationsAfter(after ?? 0).ToList());

    /// <summary>The buyer cancels the subscription: publishes unsubscribe-pending and unsubscribe-success.</summary>
    public static Results<NoContent, BadRequest<string>> Unsubscribe(UnsubscribeRequest request, MarketplaceState state)
    {
        try
        {
            state.Unsubscribe(request.CustomerIdentifier, request.ProductCode);
            return TypedResults.NoContent();
        }
        catch (MarketplaceError error)
        {
            return TypedResults.BadRequest(error.Message);
        }
    }

    /// <summary>Forgets recorded usage, minted tokens, page subscriptions and faults; the catalogue stays.</summary>
    public static NoContent Reset(MarketplaceState state)
    {
        state.Reset();
        return TypedResults.NoContent();
    }
}

public sealed record MintTokenRequest(string CustomerIdentifier, string ProductCode);

public sealed record MintedToken(string Token);

public sealed record UnsubscribeRequest(string CustomerIdentifier, string ProductCode);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SimulatorFaults))]
[JsonSerializable(typeof(List<RecordedUsage>))]
[JsonSerializable(typeof(MintTokenRequest))]
[JsonSerializable(typeof(MintedToken))]
[JsonSerializable(typeof(List<SubscriptionNotification>))]
[JsonSerializable(typeof(UnsubscribeRequest))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
